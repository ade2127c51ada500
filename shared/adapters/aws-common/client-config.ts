import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where an AWS client talks to: the real service, or a local stand-in on loopback. */
export interface AwsClientOptions {
  region: string;
  /** A local stand-in (`http://127.0.0.1:4568`); unset for the real service. */
  endpoint?: string;
  /** Explicit credentials; without them a loopback endpoint gets dummy ones, anything else the default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Socket timeouts for each request, in ms (default 30 s). */
  requestTimeoutMs?: number;
}

/**
 * The configuration shared by the project's AWS clients. Every client uses an HTTP/1.1
 * `NodeHttpHandler`: kinesis-local answers HTTP/2 in a way that breaks the SDK, and the Kinesis
 * client would otherwise pick HTTP/2 on its own. A stand-in on loopback gets dummy credentials so
 * the SDK never walks the credential chain (profile files, instance metadata) on a developer
 * machine; a real endpoint (the Management API's is always given) keeps the default chain.
 */
export function awsClientConfig(options: AwsClientOptions) {
  const credentials =
    options.credentials ??
    (options.endpoint && isLoopback(options.endpoint)
      ? { accessKeyId: '000000000000', secretAccessKey: 'local' }
      : undefined);
  return {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    }),
  };
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
