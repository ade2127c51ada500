import type { DeadLetterSink, EventStore, WorkerWrite } from '@geqo/shared/ports';

/**
 * The worker's store, with each batch's dead letters also put on the dead-letter topic
 * (`raw-game-events-dlq`) before the batch commits them to the `dead_letters` table. Put first, so
 * a letter in the table is always on the topic too; a batch that fails after the put and is retried
 * puts its letters again (the topic is at least once; a letter's stream, shard and position say
 * which it is).
 *
 * Only `commit` is changed; every other member is the store's own (a Proxy, so whatever the store
 * gains later, a fence check for one, passes through untouched).
 */
export function withDeadLettersOnTopic(store: EventStore, topic: DeadLetterSink): EventStore {
  const commit = async (write: WorkerWrite): Promise<void> => {
    if (write.deadLetters.length > 0) await topic.send(write.deadLetters);
    await store.commit(write);
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commit') return commit;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
