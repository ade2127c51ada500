import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { kafkaConnectionOptions, type MskIamAuth } from './kafka-connection.ts';

/** What one topic should look like. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Unset: created with the broker's `default.replication.factor`, and not checked. */
  replicationFactor?: number;
  /** Unset: the broker's `min.insync.replicas`, and not checked. */
  minInsyncReplicas?: number;
}

/** One setting of an existing topic that is not what was asked for. */
export interface TopicDifference {
  setting: 'partitions' | 'replication factor' | 'min.insync.replicas';
  wanted: string;
  actual: string;
}

export type TopicOutcome =
  | { topic: string; status: 'created' }
  | { topic: string; status: 'up to date' }
  | { topic: string; status: 'differs'; differences: TopicDifference[] };

export interface EnsureTopicsOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  topics: TopicSpec[];
  iam?: MskIamAuth;
  /** How long one request may take before the broker counts as unreachable (default 10 s). */
  timeoutMs?: number;
}

/** The broker did not answer: nothing was created or checked. */
export class KafkaUnreachableError extends Error {
  constructor(brokers: string[], cause: unknown) {
    super(`cannot reach Kafka at ${brokers.join(',')} (${describe(cause)})`, { cause });
    this.name = 'KafkaUnreachableError';
  }
}

/**
 * The three topics of the game-event pipeline: the raw stream ingest writes, the processed stream
 * the broadcaster reads, and the raw stream's dead-letter topic (`<raw>-dlq`). All get the same
 * partition count: ingest keys by server id, so partitions bound how many workers share the load.
 */
export function gameEventTopics(
  names: { rawStream: string; processedStream: string },
  settings: Omit<TopicSpec, 'name'>,
): TopicSpec[] {
  return [names.rawStream, names.processedStream, `${names.rawStream}-dlq`].map((name) => ({
    name,
    ...settings,
  }));
}

/**
 * Creates the missing topics and compares the existing ones with their spec (partition count,
 * replication factor, `min.insync.replicas`). An existing topic is never changed: fewer partitions
 * than asked may be a choice, more cannot be undone, and either way an operator decides.
 */
export async function ensureKafkaTopics(options: EnsureTopicsOptions): Promise<TopicOutcome[]> {
  const timeout = options.timeoutMs ?? 10_000;
  const admin = new Admin({
    clientId: 'geqo-kafka-init',
    bootstrapBrokers: options.brokers,
    timeout,
    connectTimeout: timeout,
    retries: 1,
    ...kafkaConnectionOptions(options.iam),
  });
  try {
    let existing: Set<string>;
    try {
      existing = new Set(await admin.listTopics());
    } catch (error) {
      throw new KafkaUnreachableError(options.brokers, error);
    }
    const outcomes: TopicOutcome[] = [];
    for (const spec of options.topics) {
      if (existing.has(spec.name)) {
        const differences = await compareTopic(admin, spec);
        outcomes.push(
          differences.length === 0
            ? { topic: spec.name, status: 'up to date' }
            : { topic: spec.name, status: 'differs', differences },
        );
        continue;
      }
      try {
        await admin.createTopics({
          topics: [spec.name],
          partitions: spec.partitions,
          replicas: spec.replicationFactor ?? -1,
          ...(spec.minInsyncReplicas === undefined
            ? {}
            : { configs: [{ name: 'min.insync.replicas', value: String(spec.minInsyncReplicas) }] }),
        });
      } catch (error) {
        // E.g. a replication factor above the number of brokers.
        throw new Error(`cannot create topic ${spec.name}: ${describe(error)}`, { cause: error });
      }
      outcomes.push({ topic: spec.name, status: 'created' });
    }
    return outcomes;
  } finally {
    await admin.close().catch(() => {});
  }
}

async function compareTopic(admin: Admin, spec: TopicSpec): Promise<TopicDifference[]> {
  const differences: TopicDifference[] = [];
  const metadata = await admin.metadata({ topics: [spec.name], forceUpdate: true });
  const topic = metadata.topics.get(spec.name);
  const partitions = topic?.partitionsCount ?? 0;
  if (partitions !== spec.partitions) {
    differences.push({ setting: 'partitions', wanted: String(spec.partitions), actual: String(partitions) });
  }
  if (spec.replicationFactor !== undefined) {
    // A topic's replication factor is its partitions' replica count (the same for all, unless
    // someone reassigned them by hand: then the smallest is what counts).
    const replicas = Math.min(...(topic?.partitions ?? []).map((partition) => partition.replicas.length));
    if (replicas !== spec.replicationFactor) {
      differences.push({
        setting: 'replication factor',
        wanted: String(spec.replicationFactor),
        actual: String(replicas),
      });
    }
  }
  if (spec.minInsyncReplicas !== undefined) {
    const [description] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: spec.name,
          configurationKeys: ['min.insync.replicas'],
        },
      ],
    });
    const actual = description?.configs.find((config) => config.name === 'min.insync.replicas')?.value;
    if (actual !== String(spec.minInsyncReplicas)) {
      differences.push({
        setting: 'min.insync.replicas',
        wanted: String(spec.minInsyncReplicas),
        actual: actual ?? 'unknown',
      });
    }
  }
  return differences;
}

/** The innermost message of a client error (a connection failure is wrapped a few times). */
function describe(error: unknown): string {
  let current: unknown = error;
  const messages: string[] = [];
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    messages.push(current.message);
    const inner: unknown =
      'errors' in current && Array.isArray(current.errors) && current.errors.length > 0
        ? current.errors[0]
        : current.cause;
    current = inner;
  }
  return messages.at(-1) ?? String(error);
}
