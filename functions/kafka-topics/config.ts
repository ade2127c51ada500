import { type Env, EnvReader, type LogLevel } from '../lib/config.ts';

/** A topic and how many partitions it gets (MSK does not create topics on first use). */
export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface KafkaTopicsConfig {
  logLevel: LogLevel;
  brokers: string[];
  region: string;
  iamAuth: boolean;
  topics: TopicSpec[];
  /** MSK Serverless keeps three replicas of every partition; a one-broker test cluster has one. */
  replicas: number;
}

/**
 * `LOG_LEVEL`, `KAFKA_BROKERS`, `KAFKA_IAM_AUTH` (default `true`), `AWS_REGION`, `KAFKA_TOPICS`
 * (`name:partitions,name:partitions`) and `KAFKA_TOPIC_REPLICAS` (default 3).
 */
export function loadConfig(env: Env): KafkaTopicsConfig {
  const reader = new EnvReader(env);
  const brokers = reader
    .string('KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const topics: TopicSpec[] = [];
  for (const entry of reader.string('KAFKA_TOPICS').split(',').filter(Boolean)) {
    const match = /^([A-Za-z0-9._-]{1,249}):([1-9][0-9]{0,3})$/.exec(entry.trim());
    if (match?.[1] && match[2]) topics.push({ name: match[1], partitions: Number(match[2]) });
    else reader.problem(`KAFKA_TOPICS entry "${entry}" is not name:partitions`);
  }
  return reader.done({
    logLevel: reader.logLevel(),
    brokers,
    region: reader.string('AWS_REGION'),
    iamAuth: reader.oneOf('KAFKA_IAM_AUTH', ['true', 'false'], 'true') === 'true',
    topics,
    replicas: reader.int('KAFKA_TOPIC_REPLICAS', { fallback: 3, min: 1, max: 5 }),
  });
}
