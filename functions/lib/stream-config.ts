import type { EnvReader } from './config.ts';

/**
 * Which stream engine a function produces to (DESIGN.md section 2: Kinesis, or Kafka on MSK),
 * chosen at deploy time by the CDK context flag `streamEngine` and passed as `STREAM_ENGINE`.
 */
export type StreamConfig =
  | { engine: 'kinesis'; region: string; endpoint?: string }
  | { engine: 'kafka'; brokers: string[]; region: string; iamAuth: boolean };

/**
 * `STREAM_ENGINE` (`kinesis` by default), then `AWS_REGION` (+ `KINESIS_ENDPOINT` for a local
 * stand-in) or `KAFKA_BROKERS` (comma-separated `host:port`) and `KAFKA_IAM_AUTH` (`true` by
 * default: MSK Serverless accepts IAM auth only).
 */
export function readStreamConfig(env: EnvReader): StreamConfig {
  const engine = env.oneOf('STREAM_ENGINE', ['kinesis', 'kafka'], 'kinesis');
  const region = env.string('AWS_REGION');
  if (engine === 'kinesis') {
    const endpoint = env.optionalString('KINESIS_ENDPOINT');
    return { engine, region, ...(endpoint ? { endpoint } : {}) };
  }
  const brokers = (env.optionalString('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) env.problem('KAFKA_BROKERS is required when STREAM_ENGINE is kafka');
  const iamAuth = env.oneOf('KAFKA_IAM_AUTH', ['true', 'false'], 'true') === 'true';
  return { engine, brokers, region, iamAuth };
}
