import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RdsAuthTokenRequest {
  hostname: string;
  port: number;
  username: string;
  region: string;
  credentials: AwsCredentials;
  /** Defaults to now; fixed in tests. */
  signingDate?: Date;
}

type Bytes = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: Bytes): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the SigV4 signer expects. */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: Bytes) {
    this.hash = this.fresh();
  }

  update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
}

/** RFC 3986 escaping, as SigV4 canonical query strings use it. */
const uriEscape = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * An IAM database authentication token for RDS Proxy (or Aurora): a SigV4-presigned
 * `connect` request for service `rds-db`, valid 15 minutes, used as the PostgreSQL password.
 * It is what `@aws-sdk/rds-signer` computes; done here with the SDK's own signer so Lambda
 * bundles need no extra package.
 */
export async function rdsAuthToken(request: RdsAuthTokenRequest): Promise<string> {
  const { hostname, port, username, region, credentials } = request;
  const signer = new SignatureV4({ service: 'rds-db', region, credentials, sha256: NodeSha256 });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      port,
      path: '/',
      query: { Action: 'connect', DBUser: username },
      headers: { host: `${hostname}:${port}` },
    },
    { expiresIn: 900, ...(request.signingDate ? { signingDate: request.signingDate } : {}) },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${uriEscape(key)}=${uriEscape(String(v ?? ''))}`),
    )
    .join('&');
  return `${hostname}:${port}/?${query}`;
}

/** The execution role's credentials, which the Lambda runtime puts in the environment. */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: no credentials to sign with');
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}
