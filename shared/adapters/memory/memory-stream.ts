import { EventEmitter } from 'node:events';
import type { ConsumedRecord, StreamConsumer, StreamProducer, StreamRecord } from '../../ports/index.ts';

interface StreamLog {
  /** Position of `records[0]`. */
  base: number;
  records: ConsumedRecord[];
  committed: Map<string, number>;
}

/**
 * An in-process stream: what `--stream memory` uses for raw events (nothing survives a restart)
 * and what the local runtime uses between the worker and the broadcaster, whose messages are
 * live updates with no value after a restart. Records every consumer has committed are dropped.
 */
export class MemoryStream implements StreamProducer {
  private readonly logs = new Map<string, StreamLog>();
  private readonly appended = new EventEmitter();

  constructor() {
    this.appended.setMaxListeners(100);
  }

  private log(stream: string): StreamLog {
    let log = this.logs.get(stream);
    if (!log) {
      log = { base: 1, records: [], committed: new Map() };
      this.logs.set(stream, log);
    }
    return log;
  }

  async put(stream: string, records: readonly StreamRecord[]): Promise<void> {
    const log = this.log(stream);
    const now = Date.now();
    for (const record of records) {
      const position = log.base + log.records.length;
      log.records.push({ ...record, stream, shard: 'memory', position: String(position), arrivedAt: now });
    }
    if (records.length > 0) this.appended.emit('append', stream);
  }

  consumer(stream: string, name: string): StreamConsumer {
    const log = this.log(stream);
    if (!log.committed.has(name)) log.committed.set(name, log.base - 1);
    let position = log.committed.get(name) ?? 0;
    const read = (max: number) => {
      const from = position + 1 - log.base;
      return log.records.slice(Math.max(0, from), Math.max(0, from) + max);
    };
    return {
      poll: async (maxRecords, waitMs) => {
        let records = read(maxRecords);
        if (records.length === 0 && waitMs > 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              this.appended.off('append', onAppend);
              resolve();
            };
            const onAppend = (name: string) => {
              if (name === stream) done();
            };
            const timer = setTimeout(done, waitMs);
            this.appended.on('append', onAppend);
          });
          records = read(maxRecords);
        }
        const last = records.at(-1);
        if (last) position = Number(last.position);
        return records;
      },
      rewind: () => {
        position = log.committed.get(name) ?? log.base - 1;
      },
      waiting: () => Math.max(0, log.base + log.records.length - 1 - position),
      commit: async (record) => {
        log.committed.set(name, Number(record.position));
        this.trim(log);
      },
      close: async () => {
        log.committed.delete(name);
        this.trim(log);
      },
    };
  }

  private trim(log: StreamLog): void {
    const upTo = Math.min(...log.committed.values());
    const drop = upTo - log.base + 1;
    if (drop > 0 && Number.isFinite(drop)) {
      log.records.splice(0, drop);
      log.base += drop;
    }
  }

  async close(): Promise<void> {}
}
