import type { Logger } from '@geqo/shared/ports';
import type { TopicSpec } from './config.ts';

/** The CloudFormation custom resource event, as the CDK provider framework passes it on. */
export interface TopicsResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
}

export interface TopicsResourceResult {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

/** What the handler needs of a Kafka admin client. */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  /** False when the topic turned out to exist already. */
  createTopic(topic: TopicSpec): Promise<boolean>;
}

export interface KafkaTopicsDeps {
  admin: TopicAdmin;
  topics: TopicSpec[];
  logger: Logger;
}

const PHYSICAL_ID = 'geqo-kafka-topics';

/**
 * The stream topics as a CloudFormation custom resource: on create and update, every topic that
 * is missing is created with its partition count (MSK has no auto-creation); a topic that exists
 * is left as it is. Deleting the resource keeps the topics and their records.
 */
export function makeHandler({ admin, topics, logger }: KafkaTopicsDeps) {
  return async (event: TopicsResourceEvent): Promise<TopicsResourceResult> => {
    if (event.RequestType === 'Delete') {
      logger.info('topics resource deleted; the topics are kept');
      return { PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_ID };
    }
    const existing = new Set(await admin.listTopics());
    const created: string[] = [];
    for (const topic of topics) {
      if (existing.has(topic.name)) continue;
      if (await admin.createTopic(topic)) created.push(topic.name);
    }
    logger.info('topics ready', {
      created,
      kept: topics.filter((t) => existing.has(t.name)).map((t) => t.name),
    });
    return { PhysicalResourceId: PHYSICAL_ID, Data: { created: created.join(',') } };
  };
}
