import { decodeFrame, encodeFrame, type Frame } from '../../domain/codec/index.ts';
import { storedFormJson } from '../../domain/events/index.ts';
import {
  createSequencerState,
  DEFAULT_SEQUENCER_OPTIONS,
  expireGaps,
  offerFrame,
  type SequenceGap,
  type SequencerOptions,
  type SequencerState,
} from '../../domain/sequencing/index.ts';
import {
  createLiveStatsState,
  LiveMatchStats,
  type LiveStatsState,
  type LiveStatsUpdate,
  type StatsOptionsInput,
} from '../../domain/stats/index.ts';
import type {
  ConsumedRecord,
  DeadLetter,
  DeadLetterSink,
  EventStore,
  Logger,
  Metrics,
  SnapshotWrite,
  StreamCheckpoint,
  StreamProducer,
  StreamRecord,
} from '../../ports/index.ts';
import { BatchWrite } from './batch-write.ts';
import type { DecodedFrame, DigestReader } from './decoded-frame.ts';
import type { EngineDriver } from './engine-driver.ts';
import { processedRecords, statsRecords } from './processed-messages.ts';
import { SnapshotSchedule } from './snapshot-schedule.ts';

/** Text PostgreSQL cannot store (NUL) made visible, so a dead letter's own fields never fail. */
const storable = (text: string): string => text.replaceAll('\u0000', '\\u0000');

/**
 * Preparing a batch is CPU work of tens of milliseconds. Pausing every millisecond lets the
 * event loop serve I/O meanwhile (the previous batch's commit, ingest's acks when they share the
 * thread), so `geqo up`'s pipelined prepare and commit really overlap (with the worker thread,
 * commit a53cdf3: 20.7k -> 28.9k events/s stored end to end). To turn it off, make `maybe`
 * return at once.
 */
class CooperativePause {
  private last = performance.now();

  async maybe(): Promise<void> {
    if (performance.now() - this.last < 1) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

/**
 * A batch that puts aside a record that failed alone (`putAside` in record-isolation.ts): `letters`
 * commit with it; with `withoutEvents` its records' frames count as applied with none of their
 * events (their sessions move on); with `releasedReason` the other frames the sequencer releases
 * with them are dead-lettered (re-encoded, at the position they came at) instead of applied.
 */
export interface PutAside {
  letters: DeadLetter[];
  withoutEvents: boolean;
  releasedReason?: string;
}

/** A frame waiting in the sequencer (plain JSON: it is part of the snapshot). */
interface QueuedFrame {
  frame: Frame;
  position: string;
  /** Its events' stored-form JSON, when it came as a digest (`positions` then lack their players). */
  eventJson?: readonly string[];
}

/** A record's frame, decoded here or taken from the frame source. */
interface DecodedRecord extends DecodedFrame {
  record: ConsumedRecord;
}

/** Everything the worker keeps per game server; saved as `match_state.state`. */
interface ServerState {
  engine: unknown;
  sequencer: SequencerState<QueuedFrame>;
  /** Live statistics of the match in progress (absent in snapshots older than them). */
  stats?: LiveStatsState;
}

export interface WorkerDeps {
  store: EventStore;
  engine: EngineDriver;
  logger: Logger;
  metrics: Metrics;
  /** Where processed messages go (`processed-game-events`); none in `geqo analyze`. */
  processed?: {
    producer: StreamProducer;
    stream: string;
    /** In-process only: whether a topic has subscribers; `events` messages of others are skipped. */
    wanted?: (topic: string) => boolean;
    /**
     * When a pipelined batch's messages go out (`processBatch` publishes after its commit either
     * way). `committed` (the default): after the batch's transaction. `prepared`: as soon as
     * `prepare` has applied its records, so a dashboard does not wait for the database's
     * backlog (`geqo up`). A batch whose commit then fails is prepared again, and its messages
     * sent again: a dashboard applies an event once by its key, and rounds, matches and
     * statistics are whole states; only the events of a record put aside at its commit (which
     * the edge's checks make rare) were shown and not stored.
     */
    publish?: 'committed' | 'prepared';
  };
  /** Poison records go here; without one they are written to `dead_letters` in the batch's transaction. */
  deadLetters?: DeadLetterSink;
  sequencer?: SequencerOptions;
  /**
   * Keep server states in memory between batches. Only safe when this worker is the only
   * consumer of its servers (the local runtime); a Lambda reloads the snapshots every batch.
   */
  cacheStates?: boolean;
  /**
   * With `cacheStates` and a single-offset checkpoint committed in the batch's transaction (the
   * local stream): write a server's snapshot at most this often while it keeps changing, and hold
   * the checkpoint back to what the written snapshots cover (see `SnapshotSchedule`). Unset: every
   * batch writes every touched server's snapshot.
   */
  snapshotEveryMs?: number;
  clock?: () => number;
  /** Reads the digests records come with (`geqo up`), to skip decoding their frames again. */
  readDigest?: DigestReader;
  /** Settings of the live statistics (the published definitions by default). */
  stats?: StatsOptionsInput;
  /**
   * Told, after the batch that ended them committed, which matches ended (finished or abandoned),
   * so their statistics can be aggregated from the stored events. A failure here is logged, never
   * the batch's: its writes are committed, and the aggregation job's sweep finds the match again.
   */
  onMatchesEnded?: (matchIds: readonly string[]) => void | Promise<void>;
}

/** A batch applied in memory, ready to be written. */
export interface PreparedBatch {
  write: BatchWrite;
  snapshots: SnapshotWrite[];
  letters: DeadLetter[];
  checkpoint: StreamCheckpoint | undefined;
  report: BatchReport;
  started: number;
  serverIds: string[];
  /**
   * Messages for dashboards (events, rounds, matches, live statistics), published once committed;
   * empty when the worker publishes on prepare (`processed.publish`: sent already).
   */
  processed: StreamRecord[];
  /** When the stream accepted the batch's oldest record (epoch ms). */
  oldestArrival: number;
}

export interface BatchReport {
  records: number;
  frames: number;
  duplicates: number;
  events: number;
  deadLettered: number;
  gaps: SequenceGap[];
}

/** A batch of no records yet, started at `started`. */
function emptyBatch(started: number): PreparedBatch {
  return {
    write: new BatchWrite(),
    snapshots: [],
    letters: [],
    checkpoint: undefined,
    report: { records: 0, frames: 0, duplicates: 0, events: 0, deadLettered: 0, gaps: [] },
    started,
    serverIds: [],
    processed: [],
    oldestArrival: started,
  };
}

/**
 * The worker use case (DESIGN.md section 5): decode the raw records, apply each server's frames
 * in `seq` order through the match engine, and write events, match rows, snapshots (and the local
 * checkpoint) in one transaction; then publish the processed messages.
 *
 * A record that can never succeed is dead-lettered with its payload, position and reason and
 * counts as handled. Anything else that fails rejects the whole batch. If the failure will pass
 * (the database), the stream redelivers the batch: writes are idempotent and snapshots carry each
 * session's progress, so a redelivery changes nothing that was already committed. If it will not
 * (a value the database refuses, a timestamp no `Date` holds), the callers split the batch with
 * `processIsolated` (record-isolation.ts) down to the record that fails alone, which is put aside;
 * a failed batch leaves no in-memory state behind.
 */
export class GameEventWorker {
  private readonly states = new Map<string, ServerState>();
  private readonly sequencerOptions: SequencerOptions;
  private readonly now: () => number;
  private readonly schedule: SnapshotSchedule | null;

  constructor(private readonly deps: WorkerDeps) {
    this.sequencerOptions = deps.sequencer ?? DEFAULT_SEQUENCER_OPTIONS;
    this.now = deps.clock ?? Date.now;
    this.schedule =
      deps.cacheStates === true && deps.snapshotEveryMs !== undefined
        ? new SnapshotSchedule(deps.snapshotEveryMs)
        : null;
  }

  /**
   * Prepares and commits one batch. Not pipelined (isolating a failed batch, a Lambda, a test):
   * every change is saved, so a failure after it never drops a state that only memory held.
   */
  async processBatch(
    records: readonly ConsumedRecord[],
    checkpoint?: StreamCheckpoint,
    aside?: PutAside,
  ): Promise<BatchReport> {
    return this.commit(await this.prepareRecords(records, checkpoint, undefined, aside, 'all'));
  }

  /**
   * Decodes and applies a batch to the in-memory states and builds its writes, without writing.
   * With `cacheStates`, the next batch may be prepared while this one commits (pipelining); if a
   * commit then fails, call {@link discardStates} and redeliver from the last committed position.
   *
   * With `extend`, the records that follow a prepared, not yet committed batch are added to a copy
   * of it (`extend` is left as it was): the batch those records and its own would have made
   * together, with `checkpoint` as its checkpoint. The pipeline uses it for what arrived while the
   * batch waited for the one before it to commit, so those records need not wait for another commit.
   *
   * With `snapshotEveryMs`, only the snapshots that are due go in, and the checkpoint may be held
   * back (see `SnapshotSchedule`); with no records, the batch writes every snapshot put off (the
   * pipeline does that when the stream is idle).
   */
  async prepare(
    records: readonly ConsumedRecord[],
    checkpoint?: StreamCheckpoint,
    extend?: PreparedBatch,
  ): Promise<PreparedBatch> {
    const batch = await this.prepareRecords(
      records,
      checkpoint,
      extend,
      undefined,
      records.length === 0 ? 'all' : 'due',
    );
    const { processed } = this.deps;
    if (processed?.publish !== 'prepared' || batch.processed.length === 0) return batch;
    await this.publish(batch.processed);
    return { ...batch, processed: [] };
  }

  /**
   * Sends processed messages to the dashboards' stream. A failure is logged and counted, never
   * the batch's: its events are stored either way (a dashboard that missed them has them on its
   * next load), and failing the batch would only send the same messages again.
   */
  private async publish(records: readonly StreamRecord[]): Promise<void> {
    const { processed } = this.deps;
    if (processed === undefined || records.length === 0) return;
    try {
      await processed.producer.put(processed.stream, records);
    } catch (error) {
      this.deps.metrics.count('worker_publish_failures');
      this.deps.logger.error('could not publish processed messages', { error: String(error) });
    }
  }

  /** How many servers changed since their last snapshot (with `snapshotEveryMs`). */
  get unsavedSnapshots(): number {
    return this.schedule?.pending ?? 0;
  }

  /** The position of the last record prepared since the cached states were last dropped. */
  get preparedPosition(): string | undefined {
    return this.schedule?.position;
  }

  /** Three steps: {@link decode}, {@link apply}, {@link buildWrites}. */
  private async prepareRecords(
    records: readonly ConsumedRecord[],
    checkpoint: StreamCheckpoint | undefined,
    extend: PreparedBatch | undefined,
    aside: PutAside | undefined,
    saving: 'due' | 'all',
  ): Promise<PreparedBatch> {
    const base = extend ?? emptyBatch(this.now());
    const { report } = base;
    const batch: PreparedBatch = {
      ...base,
      write: base.write.clone(),
      letters: [...(aside?.letters ?? []), ...base.letters],
      report: { ...report, records: report.records + records.length, gaps: [...report.gaps] },
    };
    const pause = new CooperativePause();
    const decoded = await this.decode(records, batch.letters, pause);
    const frames = aside?.withoutEvents
      ? decoded.map(({ record, frame }) => ({ record, frame: { ...frame, events: [] } }))
      : decoded;
    const serverIds = [...new Set(frames.map((d) => d.frame.server))];
    try {
      await this.loadStates(serverIds);
      const eventsBefore = batch.write.events.length;
      const applied = await this.apply(records, frames, batch, aside?.releasedReason, pause);
      return this.buildWrites(batch, applied, { records, checkpoint, serverIds, eventsBefore, saving });
    } catch (error) {
      this.forget(serverIds);
      throw error;
    }
  }

  /**
   * The records' frames: read from their digests when ingest decoded them already, else
   * decoded here. A record that cannot be decoded, or names another server than its key, goes to
   * `letters`; one whose events alone were refused comes back as its frame without them (so its
   * session goes on at once rather than waiting for the gap to time out).
   */
  private async decode(
    records: readonly ConsumedRecord[],
    letters: DeadLetter[],
    pause: CooperativePause,
  ): Promise<DecodedRecord[]> {
    const decoded: DecodedRecord[] = [];
    let predecoded = 0;
    for (const record of records) {
      await pause.maybe();
      const digested = this.digestOf(record);
      if (digested) {
        predecoded += 1;
        decoded.push({ record, ...digested });
        continue;
      }
      const result = decodeFrame(record.data, { maxFrameBase64Chars: Number.MAX_SAFE_INTEGER });
      if (!result.ok) {
        letters.push(this.deadLetter(record, result.code, result.message));
        if (result.envelope?.server === record.partitionKey)
          decoded.push({ record, frame: { ...result.envelope, events: [] } });
      } else if (result.frame.server !== record.partitionKey) {
        const message = `frame names server "${result.frame.server}", record key is "${record.partitionKey}"`;
        letters.push(this.deadLetter(record, 'SERVER_MISMATCH', message));
      } else decoded.push({ record, frame: result.frame });
    }
    if (predecoded > 0) this.deps.metrics.count('worker_frames_predecoded', predecoded);
    return decoded;
  }

  /** The frame of a record's digest, if it has one that can be read. */
  private digestOf(record: ConsumedRecord): DecodedFrame | undefined {
    const { readDigest } = this.deps;
    if (record.digest === undefined || readDigest === undefined) return undefined;
    try {
      return readDigest(record.digest);
    } catch {
      this.deps.metrics.count('worker_digests_unreadable');
      return undefined;
    }
  }

  /**
   * Offers each frame to its server's sequencer and applies what it releases (then what waited
   * on a gap whose time ran out) through the match engine and the live statistics, into
   * `batch.write`. Changes the in-memory server states; returns which servers it touched (with
   * their last record's position) and the live statistics of the rounds that ended.
   */
  private async apply(
    records: readonly ConsumedRecord[],
    frames: readonly DecodedRecord[],
    batch: PreparedBatch,
    releasedReason: string | undefined,
    pause: CooperativePause,
  ): Promise<{ touched: Map<string, string>; statsUpdates: LiveStatsUpdate[] }> {
    const touched = new Map<string, string>();
    const live = new Map<string, LiveMatchStats>();
    const liveOf = (serverId: string, state: ServerState): LiveMatchStats => {
      let stats = live.get(serverId);
      if (stats === undefined) {
        state.stats ??= createLiveStatsState();
        stats = new LiveMatchStats(state.stats, this.deps.stats);
        live.set(serverId, stats);
      }
      return stats;
    };
    const stateOf = (serverId: string): ServerState => {
      const state = this.states.get(serverId);
      if (state === undefined) throw new Error(`no state loaded for server ${serverId}`);
      return state;
    };
    // Each record's predecessor on the stream is where reading it again starts.
    const before = new Map(records.map((record, i) => [record, records[i - 1]?.position]));
    for (const { record, frame, eventJson } of frames) {
      await pause.maybe();
      const state = stateOf(frame.server);
      touched.set(frame.server, record.position);
      this.schedule?.changed(frame.server, record.position, before.get(record));
      const item: QueuedFrame = { frame, position: record.position, ...(eventJson ? { eventJson } : {}) };
      const offered = offerFrame(
        state.sequencer,
        { session: frame.session, seq: frame.seq, arrivedAt: record.arrivedAt, item },
        this.sequencerOptions,
      );
      if (offered.duplicate) batch.report.duplicates += 1;
      this.recordGaps(frame.server, state, offered.gaps, batch);
      for (const ready of offered.ready)
        this.applyFrame(state, ready, batch, record, liveOf(frame.server, state), releasedReason);
    }
    // Frames waiting on a gap whose time ran out (by the newest arrival seen) go now.
    const newest = Math.max(0, ...records.map((r) => r.arrivedAt));
    const lastRecord = records.at(-1);
    for (const serverId of touched.keys()) {
      const state = stateOf(serverId);
      const expired = expireGaps(state.sequencer, newest, this.sequencerOptions);
      this.recordGaps(serverId, state, expired.gaps, batch);
      for (const ready of expired.ready)
        if (lastRecord)
          this.applyFrame(state, ready, batch, lastRecord, liveOf(serverId, state), releasedReason);
    }
    const statsUpdates = [...live].flatMap(
      ([serverId, stats]) => this.liveStatsSafely(serverId, () => stats.takeUpdates()) ?? [],
    );
    return { touched, statsUpdates };
  }

  /**
   * What the applied frames write besides their events (the kills of the rounds that ended, the
   * servers' snapshots, see {@link snapshotsOf}) and publish (made now, while the events are at
   * hand: of an extended batch, only what this part changed); then the events are encoded for
   * the store.
   */
  private buildWrites(
    batch: PreparedBatch,
    { touched, statsUpdates }: { touched: Map<string, string>; statsUpdates: LiveStatsUpdate[] },
    part: {
      records: readonly ConsumedRecord[];
      checkpoint: StreamCheckpoint | undefined;
      serverIds: string[];
      eventsBefore: number;
      saving: 'due' | 'all';
    },
  ): PreparedBatch {
    const { write } = batch;
    for (const { voidedFrom, matchId, round, kills } of statsUpdates)
      if (voidedFrom === undefined) write.roundKills.push({ matchId, number: round, kills });
    const wanted = this.deps.processed?.wanted;
    const processed = this.deps.processed
      ? processedRecords(
          write.events.slice(part.eventsBefore),
          write.changedRoundRows,
          write.changedMatchRows,
          write.eventJson.slice(part.eventsBefore),
          wanted,
        ).concat(statsRecords(statsUpdates, wanted))
      : [];
    write.encodeWith(this.deps.store);
    return {
      ...batch,
      ...this.snapshotsOf(touched, batch.snapshots, part),
      serverIds: [...new Set([...batch.serverIds, ...part.serverIds])],
      processed: batch.processed.concat(processed),
      oldestArrival: part.records.reduce(
        (oldest, record) => Math.min(oldest, record.arrivedAt),
        batch.oldestArrival,
      ),
    };
  }

  /**
   * The engine snapshots a batch writes and the checkpoint it commits. Without a schedule: the
   * state of each server its records touched, at the position of its last record (of an extended
   * batch, also the earlier ones of the other servers), and the batch's own checkpoint. With one:
   * the servers that are due (or all that changed), and the checkpoint held back to what the
   * written snapshots cover.
   */
  private snapshotsOf(
    touched: ReadonlyMap<string, string>,
    earlier: readonly SnapshotWrite[],
    part: {
      records: readonly ConsumedRecord[];
      checkpoint: StreamCheckpoint | undefined;
      saving: 'due' | 'all';
    },
  ): { snapshots: SnapshotWrite[]; checkpoint: StreamCheckpoint | undefined } {
    const plan = this.schedule?.plan(
      this.now(),
      part.saving === 'all',
      (serverId) => this.states.has(serverId),
      part.records.at(-1)?.position,
      part.checkpoint,
    );
    const saving: ReadonlyMap<string, string | null> = plan?.saving ?? touched;
    const snapshots = earlier
      .filter((snapshot) => !saving.has(snapshot.serverId))
      .concat(
        [...saving].map(([serverId, position]) => ({
          serverId,
          stateJson: JSON.stringify(this.states.get(serverId)),
          position,
        })),
      );
    return { snapshots, checkpoint: plan ? plan.checkpoint : part.checkpoint };
  }

  /** Writes a prepared batch in one transaction, then publishes its processed messages. */
  async commit(prepared: PreparedBatch): Promise<BatchReport> {
    const { metrics, deadLetters } = this.deps;
    const { write, snapshots, letters, checkpoint, report, processed } = prepared;
    try {
      const sentAside = deadLetters !== undefined && letters.length > 0;
      if (sentAside) await deadLetters.send(letters);
      await this.deps.store.commit(write.toWrite(snapshots, checkpoint, sentAside ? [] : letters));
    } catch (error) {
      // The in-memory states hold changes that were never committed: forget them, so the
      // redelivered batch starts from the saved snapshots.
      this.forget(prepared.serverIds);
      throw error;
    }
    if (!this.deps.cacheStates) this.states.clear();

    for (const letter of letters) this.logDeadLetter(letter);
    metrics.count('worker_records', report.records);
    metrics.count('worker_events', report.events);
    if (report.duplicates > 0) metrics.count('worker_duplicate_frames', report.duplicates);
    if (letters.length > 0) metrics.count('worker_dead_letters', letters.length);
    metrics.observe('worker_batch_ms', this.now() - prepared.started);
    // From the stream accepting a record to its events being stored (the stream's "iterator age").
    metrics.observe('worker_lag_ms', Math.max(0, this.now() - prepared.oldestArrival));

    if (this.deps.processed && processed.length > 0)
      await this.deps.processed.producer.put(this.deps.processed.stream, processed);
    await this.reportEndedMatches(write);
    return { ...report, deadLettered: letters.length };
  }

  private async reportEndedMatches(write: BatchWrite): Promise<void> {
    const { onMatchesEnded } = this.deps;
    const ended = write.matchRows
      .filter((patch) => patch.status === 'finished' || patch.status === 'abandoned')
      .map((patch) => patch.id);
    if (onMatchesEnded === undefined || ended.length === 0) return;
    try {
      await onMatchesEnded(ended);
    } catch (error) {
      this.deps.metrics.count('worker_aggregation_trigger_failures');
      this.deps.logger.error('could not start the aggregation of ended matches', {
        matchIds: ended,
        error: String(error),
      });
    }
  }

  /**
   * After a failure: forgets the states of `serverIds`, or every state when snapshots are
   * scheduled (a state may then hold changes that only memory has; reading restarts at the
   * checkpoint, which covers them).
   */
  private forget(serverIds: readonly string[]): void {
    if (this.schedule === null) for (const serverId of serverIds) this.states.delete(serverId);
    else this.discardStates();
  }

  /** Forgets every in-memory state: the next batches start from the saved snapshots. */
  discardStates(): void {
    this.states.clear();
    this.schedule?.clear();
  }

  /** One frame's events through the match engine and the live statistics, into `batch`. */
  private applyFrame(
    state: ServerState,
    queued: QueuedFrame,
    batch: PreparedBatch,
    record: ConsumedRecord,
    live: LiveMatchStats,
    releasedReason: string | undefined,
  ): void {
    const { write, report, letters } = batch;
    const { frame, eventJson } = queued;
    report.frames += 1;
    if (releasedReason !== undefined && frame.events.length > 0 && queued.position !== record.position) {
      const reason = `frame ${frame.seq} of session ${frame.session} was released together with a record that failed alone: ${releasedReason}`;
      letters.push(
        this.deadLetter(
          { ...record, position: queued.position, data: encodeFrame(frame) },
          'UNPROCESSABLE',
          reason,
        ),
      );
      return;
    }
    frame.events.forEach((event, index) => {
      try {
        const step = this.deps.engine.apply(state.engine, {
          key: { server: frame.server, session: frame.session, seq: frame.seq, index },
          event,
          ...(frame.tag === undefined ? {} : { matchTag: frame.tag }),
          ...(frame.match === undefined ? {} : { externalMatchId: frame.match }),
        });
        write.events.push(step.enriched);
        write.eventJson.push(eventJson?.[index] ?? storedFormJson(event));
        this.liveStatsSafely(frame.server, () => live.add(step.enriched));
        for (const effect of step.effects) write.add(effect);
        report.events += 1;
      } catch (error) {
        // A bug in the engine for this event: never retried (it would fail again and block the
        // shard); the event goes to the dead letters with the frame, and the rest goes on.
        const { server: serverId, seq } = frame;
        this.deps.logger.error('engine failed on an event', { serverId, seq, index, error: String(error) });
        const reason = `event ${index} (${event.type}) of frame ${seq}: ${(error as Error).message}`;
        letters.push(this.deadLetter({ ...record, position: queued.position }, 'ENGINE_ERROR', reason));
      }
    });
  }

  /**
   * Live statistics are derived figures: a failure in them (a bug) is logged and counted but must
   * not stop ingestion. The aggregation step recomputes every figure from the stored events.
   */
  private liveStatsSafely<T>(serverId: string, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      this.deps.metrics.count('worker_live_stats_errors');
      this.deps.logger.error('live statistics failed', { serverId, error: String(error) });
      return undefined;
    }
  }

  private recordGaps(serverId: string, state: ServerState, gaps: SequenceGap[], batch: PreparedBatch): void {
    for (const gap of gaps) {
      batch.report.gaps.push(gap);
      const matchId = this.deps.engine.currentMatchId(state.engine);
      if (matchId) batch.write.gaps.push({ matchId, ...gap, at: this.now() });
      this.deps.metrics.count('worker_sequence_gaps');
      const { session, from, to, reason } = gap;
      this.deps.logger.warn('sequence gap skipped', { serverId, session, from, to, reason, matchId });
    }
  }

  /** `record` as a dead letter (its texts made storable). */
  deadLetter(record: ConsumedRecord, code: string, reason: string): DeadLetter {
    return {
      stream: storable(record.stream),
      shard: storable(record.shard),
      position: storable(record.position),
      partitionKey: storable(record.partitionKey),
      payload: record.data,
      code: storable(code),
      reason: storable(reason),
      failedAt: this.now(),
    };
  }

  private logDeadLetter({ code, reason, shard, position, partitionKey }: DeadLetter): void {
    this.deps.logger.warn('record dead-lettered', {
      code,
      reason,
      shardId: shard,
      sequenceNumber: position,
      serverId: partitionKey,
    });
  }

  private async loadStates(serverIds: string[]): Promise<void> {
    const missing = serverIds.filter((id) => !this.states.has(id));
    if (missing.length === 0) return;
    const snapshots = await this.deps.store.loadSnapshots(missing);
    for (const serverId of missing) {
      const snapshot = snapshots.get(serverId)?.state as ServerState | undefined;
      this.states.set(
        serverId,
        snapshot ?? {
          engine: this.deps.engine.createState(serverId),
          sequencer: createSequencerState<QueuedFrame>(),
        },
      );
    }
  }
}
