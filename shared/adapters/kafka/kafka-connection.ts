import type { SASLOptions } from '@platformatic/kafka';
import { type AwsCredentialsProvider, credentialsFromEnvironment, mskIamToken } from './msk-iam-token.ts';

/** MSK IAM access control: TLS plus SASL/OAUTHBEARER with a SigV4-presigned token. */
export interface MskIamAuth {
  region: string;
  /** Default: the Lambda environment's credentials. */
  credentials?: AwsCredentialsProvider;
}

/**
 * Connection options of every Kafka client here: plain TCP for a local broker, or TLS with IAM
 * tokens for MSK (its IAM listener, port 9098, takes nothing else). A token is made for each new
 * connection, so expiry (15 minutes) and rotated Lambda credentials never matter.
 */
export function kafkaConnectionOptions(iam: MskIamAuth | undefined): {
  tls?: Record<string, never>;
  tlsServerName?: boolean;
  sasl?: SASLOptions;
} {
  if (!iam) return {};
  const credentials = iam.credentials ?? credentialsFromEnvironment();
  return {
    tls: {},
    tlsServerName: true,
    sasl: { mechanism: 'OAUTHBEARER', token: async () => mskIamToken(iam.region, await credentials()) },
  };
}
