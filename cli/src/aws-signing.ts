/**
 * The CLI on AWS: the admin routes of the HTTP API are behind IAM authorization, so `geqo server`
 * signs its requests with SigV4 (service `execute-api`) using the default credential chain
 * (environment, `~/.aws` profiles and SSO, the container or instance role), and finds the API's
 * URL in the `RestApiUrl` output of the pipeline stack (CloudFormation `DescribeStacks`, itself a
 * signed request: no CloudFormation client needed for one call).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

/** What to sign: the headers are the ones the request will carry (without `host`). */
export interface UnsignedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Signs a request and answers the headers to send (with `authorization`, `x-amz-date`, …). */
export type RequestSigner = (request: UnsignedRequest) => Promise<Record<string, string>>;

/** SHA-256 (or its HMAC with a secret) from node:crypto, in the shape the signer asks for. */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array);
    return createHmac('sha256', key);
  }
}

/** A SigV4 signer for `service` in `region`, with credentials from the default chain. */
export function awsRequestSigner(region: string, service = 'execute-api'): RequestSigner {
  const signer = new SignatureV4({
    service,
    region,
    credentials: defaultProvider(),
    sha256: NodeSha256,
  });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      // `host` is signed: fetch sends the same `url.host`.
      headers: { ...headers, host: url.host },
      ...(body === undefined ? {} : { body }),
    });
    const { host: _host, ...sent } = signed.headers;
    return sent;
  };
}

/** The region of an `https://{apiId}.execute-api.{region}.amazonaws.com` URL, if it is one. */
export function regionOfApiUrl(url: string): string | undefined {
  return /^https:\/\/[^.]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:[/:]|$)/.exec(url)?.[1];
}

/**
 * The `RestApiUrl` output of `stack` (CloudFormation `DescribeStacks` over the Query API).
 * @throws Error naming the stack and region when it or its output is not found.
 */
export async function restApiUrlOfStack(
  stack: string,
  region: string,
  /** Another endpoint than CloudFormation's in `region` (a stand-in, in tests). */
  endpoint = `https://cloudformation.${region}.amazonaws.com/`,
): Promise<string> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({
    Action: 'DescribeStacks',
    StackName: stack,
    Version: '2010-05-15',
  }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const signed = await awsRequestSigner(region, 'cloudformation')({ method: 'POST', url, headers, body });
  const response = await fetch(url, {
    method: 'POST',
    headers: signed,
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) {
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? response.statusText;
    throw new Error(`CloudFormation DescribeStacks ${stack} in ${region}: ${response.status} ${message}`);
  }
  // One `<member>` per output (after those of the stack itself): the one whose key is RestApiUrl.
  for (const member of text.split('<member>')) {
    if (!member.includes('<OutputKey>RestApiUrl</OutputKey>')) continue;
    const value = /<OutputValue>([^<]+)<\/OutputValue>/.exec(member)?.[1];
    if (value) return value.trim();
  }
  throw new Error(`stack ${stack} in ${region} has no RestApiUrl output: is it the pipeline stack?`);
}
