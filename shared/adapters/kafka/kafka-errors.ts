import { isProgrammerError, PipelineError } from '../../ports/index.ts';

/** `@platformatic/kafka` error codes that mean the request itself is wrong: retrying cannot help. */
const PERMANENT_CODES = new Set([
  'PLT_KFK_USER',
  'PLT_KFK_AUTHENTICATION',
  'PLT_KFK_UNSUPPORTED',
  'PLT_KFK_UNSUPPORTED_API',
  'PLT_KFK_UNSUPPORTED_COMPRESSION',
  'PLT_KFK_UNSUPPORTED_FORMAT',
]);

/** Connection trouble: the client gave up for now, but the broker may well answer later. */
const TRANSIENT_CODES = new Set(['PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT']);

/**
 * Whether a Kafka client error may pass on a later attempt. Broken connections and timeouts may
 * (the client marks timeouts `canRetry: false` only to stop its own internal retries); broker
 * errors say so in `canRetry` (leader moved: yes; authorization failed: no); an aggregate is
 * retriable only when each of its errors is. Programmer errors never are.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  if (isProgrammerError(error) || !(error instanceof Error)) return false;
  const details = error as Error & { code?: unknown; canRetry?: unknown; errors?: unknown };
  if (typeof details.code === 'string' && PERMANENT_CODES.has(details.code)) return false;
  if (typeof details.code === 'string' && TRANSIENT_CODES.has(details.code)) return true;
  if (Array.isArray(details.errors) && details.errors.length > 0) {
    return details.errors.every((inner: unknown) => isRetriableKafkaError(inner));
  }
  return details.canRetry !== false;
}

/** The `PipelineError` a failed produce becomes (`STREAM_WRITE`, retriable when the cause is). */
export function kafkaWriteError(topic: string, error: unknown): PipelineError {
  return new PipelineError(
    'STREAM_WRITE',
    `produce to Kafka topic ${topic} failed`,
    isRetriableKafkaError(error),
    {
      cause: error,
    },
  );
}
