import type { Admin } from '@platformatic/kafka';
import type { TopicAdmin } from './make-handler.ts';

/** True when `error` (or one it holds) is Kafka's TOPIC_ALREADY_EXISTS. */
export function isTopicAlreadyExists(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { apiId, errors } = error as { apiId?: unknown; errors?: unknown };
  if (apiId === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(errors) && errors.some(isTopicAlreadyExists);
}

/**
 * {@link TopicAdmin} on @platformatic/kafka's admin client, the client the stream adapters use. A
 * topic another run created meanwhile (or that the broker's listing did not show yet) counts as
 * there, not as a failure.
 */
export function platformaticTopicAdmin(admin: Admin, replicas: number): TopicAdmin {
  return {
    listTopics: () => admin.listTopics(),
    createTopic: async (topic) => {
      try {
        await admin.createTopics({ topics: [topic.name], partitions: topic.partitions, replicas });
        return true;
      } catch (error) {
        if (isTopicAlreadyExists(error)) return false;
        throw error;
      }
    },
  };
}
