import { KinesisClient } from '@aws-sdk/client-kinesis';
import { type AwsClientOptions, awsClientConfig } from '../aws-common/index.ts';

/**
 * A Kinesis client over HTTP/1.1 (`NodeHttpHandler`). The SDK's Kinesis client defaults to an
 * HTTP/2 handler, whose exchange with kinesis-local breaks; HTTP/1.1 works against both the
 * stand-in and AWS. With `endpoint` (kinesis-local's plain-HTTP port) it uses dummy credentials.
 */
export function createKinesisClient(options: AwsClientOptions): KinesisClient {
  return new KinesisClient(awsClientConfig(options));
}
