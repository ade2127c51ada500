import { createHash, createHmac } from 'node:crypto';

/** AWS credentials as a Lambda function receives them in its environment. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export type AwsCredentialsProvider = () => AwsCredentials | Promise<AwsCredentials>;

/** Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (set in every Lambda). */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): AwsCredentialsProvider {
  return () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('MSK IAM auth needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
    }
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN };
  };
}

const SERVICE = 'kafka-cluster';
const EXPIRES_SECONDS = 900;
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The broker logs the agent; this names the protocol version the token follows. */
const USER_AGENT = 'aws-msk-iam-sasl-signer-js/1.0.0';

/**
 * The SASL/OAUTHBEARER token MSK accepts for IAM access control: the URL
 * `https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect`, presigned with Signature
 * Version 4 (service `kafka-cluster`, signed header `host`, the hash of an empty body, valid 15
 * minutes), with a `User-Agent` parameter added after signing, encoded as base64url without padding.
 * The same token AWS's aws-msk-iam-sasl-signer-js produces, built here with `node:crypto`.
 */
export function mskIamToken(region: string, credentials: AwsCredentials, now = new Date()): string {
  const host = `kafka.${region}.amazonaws.com`;
  const longDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/${SERVICE}/aws4_request`;
  const query: Record<string, string> = {
    Action: 'kafka-cluster:Connect',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': longDate,
    'X-Amz-Expires': String(EXPIRES_SECONDS),
    'X-Amz-SignedHeaders': 'host',
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const canonicalRequest = [
    'GET',
    '/',
    queryString(query),
    `host:${host}`,
    '',
    'host',
    EMPTY_BODY_SHA256,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', longDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [shortDate, region, SERVICE, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  const url = `https://${host}/?${queryString({ ...query, 'X-Amz-Signature': signature, 'User-Agent': USER_AGENT })}`;
  return Buffer.from(url, 'utf8').toString('base64url');
}

/** Keys sorted, keys and values escaped as RFC 3986 asks (SigV4's canonical query string). */
function queryString(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${rfc3986Escape(key)}=${rfc3986Escape(query[key]!)}`)
    .join('&');
}

const rfc3986Escape = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
