export { type AwsClientOptions, awsClientConfig } from './client-config.ts';
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetriableAwsError,
  type RetryPolicy,
  type Sleep,
  sleep,
} from './retry.ts';
