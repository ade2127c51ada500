import type { DeadLetterStore, Logger, StreamProducer } from '../../ports/index.ts';

export type ReplayOutcome =
  | { ok: true; id: number; stream: string }
  | { ok: false; id: number; reason: 'not_found' | 'already_replayed' };

/**
 * Puts a dead letter's payload back on the stream it came from (same partition key), for when
 * the cause was fixed (a new server version, a schema change), and marks it replayed. A replayed
 * record that fails again becomes a new dead letter.
 */
export class DeadLetterReplay {
  constructor(
    private readonly deps: {
      store: DeadLetterStore;
      producer: StreamProducer;
      logger: Logger;
      clock?: () => number;
    },
  ) {}

  async replay(id: number, options: { force?: boolean } = {}): Promise<ReplayOutcome> {
    const letter = await this.deps.store.get(id);
    if (!letter) return { ok: false, id, reason: 'not_found' };
    if (letter.replayedAt !== null && !options.force) return { ok: false, id, reason: 'already_replayed' };
    await this.deps.producer.put(letter.stream, [
      { partitionKey: letter.partitionKey, data: letter.payload },
    ]);
    await this.deps.store.markReplayed(id, (this.deps.clock ?? Date.now)());
    this.deps.logger.info('dead letter replayed', {
      id,
      stream: letter.stream,
      serverId: letter.partitionKey,
      code: letter.code,
    });
    return { ok: true, id, stream: letter.stream };
  }
}
