import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientOptions, awsClientConfig } from '../aws-common/index.ts';

/** An SQS client over HTTP/1.1; with `endpoint` (local-aws-sqs) it uses dummy credentials. */
export function createSqsClient(options: AwsClientOptions): SQSClient {
  return new SQSClient(awsClientConfig(options));
}
