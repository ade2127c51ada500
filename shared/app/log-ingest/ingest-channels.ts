/**
 * The write path shared by the CS2 log stream and the MatchZy / get5 webhooks: turn one request's
 * events into plugin frames and put them on the raw stream, so the worker handles them like any
 * plugin's (DESIGN.md section 2).
 *
 * Crash safety is a transactional outbox. Per request, under a per-channel lock:
 *
 * 1. load the channel record; if its outbox holds frames this process has not seen reach the
 *    stream, put them (again) first;
 * 2. let the source decide (pure): a resend of what the record already holds changes nothing;
 *    otherwise it gives events and its next state and position;
 * 3. save state, position, next `seq` **and the new frames (the outbox)** in one conditional
 *    write (the version must not have moved);
 * 4. put the frames on the stream; only then is the request acknowledged (and the outbox
 *    emptied, best effort: a frame left in it is only put once more).
 *
 * A crash before 3 loses nothing: nothing was saved or acknowledged, so the sender sends again. A
 * crash after 3 (before or after 4) leaves the frames in the outbox: they are put at the next
 * request of the channel or at start-up ({@link IngestChannels.recoverPending}), and the resent
 * request is recognised by its position and acknowledged without parsing it twice. A frame put
 * twice has the same `(server, session, seq)`: the worker's sequencer drops the repeat. So nothing
 * is lost and nothing applied twice, whatever the stream engine (PostgreSQL, Kinesis, Kafka).
 *
 * One bound: the worker forgets a session idle for a week, and a frame of a forgotten session
 * would be applied again. An outbox older than {@link IngestChannelsDeps.maxOutboxAgeMs} is
 * therefore not put again but reported (it can only be left by a crash in the instant between
 * the put and the emptying, or before the put with no restart for that long).
 */
import { randomBytes } from 'node:crypto';
import { encodeFrame, type Frame, sortEvents } from '../../domain/codec/index.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import type {
  IngestChannelName,
  IngestChannelRecord,
  IngestChannelStore,
  Logger,
  Metrics,
  StreamProducer,
} from '../../ports/index.ts';
import { isProgrammerError, PipelineError, UnavailableError } from '../../ports/index.ts';
import { KeyedSerialQueue } from './keyed-serial-queue.ts';

/** What a source decided about one request. */
export type ChannelDecision<T> =
  /** A resend of something already applied: nothing changes. */
  | { kind: 'unchanged'; result: T }
  | {
      kind: 'advance';
      result: T;
      state: unknown;
      position: unknown;
      events: AnyEvent[];
      /** Start a new frame session (`seq` from 1): a new server instance, a new match, a new record. */
      newSession?: boolean;
      /** The external match id for the frames (`Frame.match`). */
      match?: string | null;
    };

/** A decision carried out: the source's result and the frames written. */
export interface ChannelOutcome<T> {
  result: T;
  frames: number;
  /** `seq` of the first frame written, if any. */
  firstSeq: number | null;
  session: string;
}

/** Another process saved the channel first: retry the request. */
export class ChannelConflictError extends PipelineError {
  constructor(serverId: string, channel: string) {
    super(
      'CHANNEL_CONFLICT',
      `ingest channel ${channel} of ${serverId} was written concurrently; retry`,
      true,
    );
    this.name = 'ChannelConflictError';
  }
}

export interface IngestChannelsDeps {
  store: IngestChannelStore;
  producer: StreamProducer;
  /** `raw-game-events`. */
  stream: string;
  logger: Logger;
  metrics: Metrics;
  clock?: () => number;
  /** A new frame session id for a channel (default: `<channel>-<16 hex>`). */
  newSession?: (channel: IngestChannelName, match: string | null) => string;
  /** Most events per frame (the codec's decoders accept 5,000; default 1,000). */
  maxEventsPerFrame?: number;
  /** An outbox older than this is reported, not put again (default 3 days; the worker keeps sessions 7). */
  maxOutboxAgeMs?: number;
}

const DEFAULT_MAX_EVENTS_PER_FRAME = 1_000;
const DEFAULT_MAX_OUTBOX_AGE_MS = 3 * 86_400_000;

function defaultSession(channel: IngestChannelName, match: string | null): string {
  const suffix = randomBytes(8).toString('hex');
  return match === null ? `${channel}-${suffix}` : `${channel}-${match.slice(0, 64)}-${suffix}`;
}

/** Channels of every server, each serialised, written through the outbox. */
export class IngestChannels {
  private readonly queue = new KeyedSerialQueue();
  /** Per channel, the record version whose outbox this process put on the stream. */
  private readonly delivered = new Map<string, number>();
  private readonly now: () => number;
  private readonly newSession: (channel: IngestChannelName, match: string | null) => string;
  private readonly maxEventsPerFrame: number;
  private readonly maxOutboxAgeMs: number;

  constructor(private readonly deps: IngestChannelsDeps) {
    this.now = deps.clock ?? Date.now;
    this.newSession = deps.newSession ?? defaultSession;
    this.maxEventsPerFrame = deps.maxEventsPerFrame ?? DEFAULT_MAX_EVENTS_PER_FRAME;
    this.maxOutboxAgeMs = deps.maxOutboxAgeMs ?? DEFAULT_MAX_OUTBOX_AGE_MS;
  }

  /**
   * Runs one request of a channel: `decide` sees the stored record (a fresh one the first time)
   * and must be pure; its events are framed, saved with the state and put on the stream.
   *
   * @throws UnavailableError the database or the stream failed (retriable: send again)
   * @throws ChannelConflictError another process wrote the channel meanwhile (retriable)
   */
  run<T>(
    serverId: string,
    channel: IngestChannelName,
    decide: (record: IngestChannelRecord) => ChannelDecision<T>,
  ): Promise<ChannelOutcome<T>> {
    return this.queue.run(channelKey(serverId, channel), () =>
      this.guard(serverId, channel, async () => {
        const record = (await this.deps.store.load(serverId, channel)) ?? freshRecord(serverId, channel);
        await this.deliverPending(record);
        const decision = decide(record);
        if (decision.kind === 'unchanged') {
          return { result: decision.result, frames: 0, firstSeq: null, session: record.session };
        }
        return this.advance(record, decision);
      }),
    );
  }

  /**
   * Puts every outbox that may not have reached the stream (after a restart, nothing is known to
   * have). Run at start-up; the worker drops the frames that did get there.
   */
  async recoverPending(limit = 10_000): Promise<number> {
    const records = await this.deps.store.listPending(limit);
    let frames = 0;
    for (const { serverId, channel } of records) {
      frames += await this.queue.run(channelKey(serverId, channel), () =>
        this.guard(serverId, channel, async () => {
          const record = await this.deps.store.load(serverId, channel);
          return record === null ? 0 : this.deliverPending(record);
        }),
      );
    }
    return frames;
  }

  private async advance<T>(
    record: IngestChannelRecord,
    decision: Extract<ChannelDecision<T>, { kind: 'advance' }>,
  ): Promise<ChannelOutcome<T>> {
    const { serverId, channel } = record;
    const match = decision.match ?? null;
    const fresh = decision.newSession === true || record.version === 0;
    const session = fresh ? this.newSession(channel, match) : record.session;
    const firstSeq = fresh ? 1 : record.nextSeq;
    const frames = this.frame(
      serverId,
      session,
      firstSeq,
      match,
      this.storable(serverId, channel, decision.events),
    );
    const next: IngestChannelRecord = {
      serverId,
      channel,
      session,
      nextSeq: firstSeq + frames.length,
      state: decision.state,
      position: decision.position,
      pending: frames,
      version: record.version + 1,
      updatedAt: this.now(),
    };
    if (!(await this.deps.store.save(next))) throw new ChannelConflictError(serverId, channel);
    await this.deliverPending(next);
    return {
      result: decision.result,
      frames: frames.length,
      firstSeq: frames.length > 0 ? firstSeq : null,
      session,
    };
  }

  /**
   * The events a plugin frame could carry (the codec's own check, so the worker never meets one
   * the store refuses, such as a name with U+0000 from a log line); the others are dropped,
   * counted and logged, and the request goes on.
   */
  private storable(serverId: string, channel: IngestChannelName, events: readonly AnyEvent[]): AnyEvent[] {
    const { valid, refused } = sortEvents(events);
    if (refused.length === 0) return valid;
    this.deps.metrics.count('ingest_events_refused', refused.length, { channel });
    this.deps.logger.warn('events refused before framing', {
      serverId,
      channel,
      refused: refused.length,
      reasons: refused.slice(0, 5).map((each) => each.message),
    });
    return valid;
  }

  /** Encodes events as frames of at most `maxEventsPerFrame` events, `seq` rising from `firstSeq`. */
  private frame(
    server: string,
    session: string,
    firstSeq: number,
    match: string | null,
    events: readonly AnyEvent[],
  ): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (let start = 0; start < events.length; start += this.maxEventsPerFrame) {
      const batch = events.slice(start, start + this.maxEventsPerFrame);
      const frame: Frame = {
        v: 1,
        server,
        session,
        seq: firstSeq + frames.length,
        // The events' own clock: a resent request would give the same frame.
        sentAt: batch.at(-1)?.ts ?? 0,
        ...(match === null ? {} : { match }),
        events: batch,
      };
      frames.push(encodeFrame(frame));
    }
    return frames;
  }

  /**
   * Puts the record's outbox unless this process already did for this version, then empties it;
   * returns the frames put.
   */
  private async deliverPending(record: IngestChannelRecord): Promise<number> {
    const { serverId, channel, version, pending } = record;
    const key = channelKey(serverId, channel);
    if (pending.length === 0 || this.delivered.get(key) === version) return 0;
    if (this.now() - record.updatedAt > this.maxOutboxAgeMs) {
      this.deps.metrics.count('ingest_channel_stale_outboxes', 1, { channel });
      this.deps.logger.warn('outbox too old to put again (its session may be forgotten); dropped', {
        serverId,
        channel,
        session: record.session,
        frames: pending.length,
        savedAt: new Date(record.updatedAt).toISOString(),
      });
      this.delivered.set(key, version);
      await this.deps.store.clearPending(serverId, channel, version);
      return 0;
    }
    await this.deps.producer.put(
      this.deps.stream,
      pending.map((data) => ({ partitionKey: serverId, data })),
    );
    this.delivered.set(key, version);
    this.deps.metrics.count('ingest_channel_frames', pending.length, { channel });
    try {
      await this.deps.store.clearPending(serverId, channel, version);
    } catch (error) {
      // The frames are on the stream: the request is done. A full outbox is only put once more.
      this.deps.logger.warn('could not empty the outbox; its frames will be put once more', {
        serverId,
        channel,
        error: String(error),
      });
    }
    return pending.length;
  }

  /** Failures of the store or the stream become retriable {@link UnavailableError}s; bugs stay bugs. */
  private async guard<T>(serverId: string, channel: IngestChannelName, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PipelineError || isProgrammerError(error)) throw error;
      this.deps.metrics.count('ingest_channel_errors', 1, { channel });
      this.deps.logger.error('ingest channel write failed', { serverId, channel, error: String(error) });
      throw new UnavailableError('the event store or stream is not available right now; send again later', {
        cause: error,
      });
    }
  }
}

function channelKey(serverId: string, channel: IngestChannelName): string {
  return `${serverId}\u0000${channel}`;
}

function freshRecord(serverId: string, channel: IngestChannelName): IngestChannelRecord {
  return {
    serverId,
    channel,
    session: '',
    nextSeq: 1,
    state: null,
    position: null,
    pending: [],
    version: 0,
    updatedAt: 0,
  };
}
