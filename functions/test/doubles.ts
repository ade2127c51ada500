/**
 * Test doubles of the ports that have no in-memory adapter in shared/adapters/memory: they record
 * what they were given and can be told to fail, so handler tests can assert on both.
 */
import type {
  DeadLetter,
  DeadLetterSink,
  EventStore,
  LogFields,
  Logger,
  ServerRecord,
  ServerRepository,
  ServerSnapshot,
  WorkerWrite,
} from '@geqo/shared/ports';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly base: LogFields = {},
  ) {}
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields: { ...this.base, ...fields } });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields: { ...this.base, ...fields } });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields: { ...this.base, ...fields } });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields: { ...this.base, ...fields } });
  }
  child(fields: LogFields): Logger {
    return new RecordingLogger(this.lines, { ...this.base, ...fields });
  }
}

export class RecordingMetrics implements FlushableMetrics {
  readonly counts = new Map<string, number>();
  flushes = 0;
  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  observe(): void {}
  flush(): void {
    this.flushes += 1;
  }
}

/** An event store in memory: commits are kept; `failCommits(n)` makes the next n commits fail. */
export class MemoryEventStore implements EventStore {
  readonly commits: WorkerWrite[] = [];
  private readonly snapshots = new Map<string, ServerSnapshot>();
  private failuresLeft = 0;

  failCommits(times: number, error: Error = new Error('connection terminated unexpectedly')): void {
    this.failuresLeft = times;
    this.failure = error;
  }
  private failure: Error = new Error('connection terminated unexpectedly');

  async loadSnapshots(serverIds: readonly string[]): Promise<Map<string, ServerSnapshot>> {
    const found = new Map<string, ServerSnapshot>();
    for (const id of serverIds) {
      const snapshot = this.snapshots.get(id);
      if (snapshot) found.set(id, structuredClone(snapshot));
    }
    return found;
  }

  async commit(write: WorkerWrite): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw this.failure;
    }
    this.commits.push(write);
    for (const snapshot of write.snapshots) {
      this.snapshots.set(snapshot.serverId, {
        serverId: snapshot.serverId,
        state: JSON.parse(snapshot.stateJson),
        position: snapshot.position,
      });
    }
  }

  get events() {
    return this.commits.flatMap((write) => write.events);
  }
}

export class RecordingDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  async send(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
  }
}

export class MemoryServerRepository implements ServerRepository {
  readonly servers = new Map<string, ServerRecord>();
  async insert(server: ServerRecord): Promise<void> {
    this.servers.set(server.id, { ...server });
  }
  async find(id: string): Promise<ServerRecord | null> {
    return this.servers.get(id) ?? null;
  }
  async list(): Promise<ServerRecord[]> {
    return [...this.servers.values()];
  }
  async revoke(id: string, at: number): Promise<boolean> {
    const server = this.servers.get(id);
    if (!server) return false;
    server.revokedAt ??= at;
    return true;
  }
}
