import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCredentials, NodeSha256 } from './rds-auth-token.ts';

export interface SecretRequest {
  secretArn: string;
  region: string;
  credentials: AwsCredentials;
  /** Defaults to `https://secretsmanager.<region>.amazonaws.com`. */
  endpoint?: string;
}

/**
 * Secrets Manager's `GetSecretValue`, signed with the SDK's own signer: the one call the
 * migrations function makes to read the cluster's generated master password (small profile, no
 * RDS Proxy), without a client package in the bundle.
 */
export async function getSecretString(request: SecretRequest): Promise<string> {
  const url = new URL(request.endpoint ?? `https://secretsmanager.${request.region}.amazonaws.com`);
  const body = JSON.stringify({ SecretId: request.secretArn });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region: request.region,
    credentials: request.credentials,
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`GetSecretValue answered ${response.status}: ${text.slice(0, 200)}`);
  const secret = (JSON.parse(text) as { SecretString?: unknown }).SecretString;
  if (typeof secret !== 'string') throw new Error('GetSecretValue answered no SecretString');
  return secret;
}
