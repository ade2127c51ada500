/**
 * Where the worker writes what it learned from a batch of records, in one transaction.
 * Implemented by PostgreSQL (Aurora on AWS, embedded or local locally).
 */
import type { EnrichedEvent } from '../domain/match/index.ts';
import type { DeadLetter } from './dead-letter-sink.ts';
import type { PartitionPosition } from './partition-ownership.ts';

/** A whole `matches` row. */
export interface MatchRow {
  id: string;
  serverId: string;
  externalId: string | null;
  map: string | null;
  tag: string | null;
  status: string;
  teams: unknown;
  score: Record<string, number>;
  startedAt: number;
  endedAt: number | null;
}

/**
 * A change to a `matches` row: a new match carries every field; later changes only the fields
 * that changed (status, score, teams, end).
 */
export type MatchPatch = Pick<MatchRow, 'id'> & Partial<Omit<MatchRow, 'id'>>;

export interface RoundRow {
  matchId: string;
  number: number;
  winnerSide: string | null;
  winnerTeam: string | null;
  reason: string | null;
  scoreAfter: Record<string, number>;
  startedAt: number;
  endedAt: number | null;
}

export interface PlayerRow {
  steamId: string;
  name: string;
}

export interface MatchPlayerRow {
  matchId: string;
  steamId: string;
  team: string | null;
}

/** The engine state of one server and the stream position it reflects. */
export interface ServerSnapshot {
  serverId: string;
  state: unknown;
  position: string | null;
}

/**
 * A snapshot to save, serialised when its batch was prepared (the live state object moves on
 * while the batch is being written).
 */
export interface SnapshotWrite {
  serverId: string;
  stateJson: string;
  position: string | null;
}

/** The local stream's consumer offset, committed with the writes it covers (exactly-once locally). */
export interface OffsetCheckpoint {
  stream: string;
  consumer: string;
  offset: string;
  partitions?: undefined;
}

/**
 * A partitioned stream's (Kafka's) positions, committed with the writes they cover: per partition
 * read, the next offset, under the owner epoch the reader took (see `partition-ownership.ts`). The
 * store refuses the whole write (SQLSTATE `PARTITION_FENCED_SQLSTATE`) if an epoch moved on.
 */
export interface PartitionsCheckpoint {
  stream: string;
  /** The consumer group. */
  consumer: string;
  partitions: readonly PartitionPosition[];
  offset?: undefined;
}

/** Where a batch leaves its consumer, committed in the batch's own transaction. */
export type StreamCheckpoint = OffsetCheckpoint | PartitionsCheckpoint;

/**
 * A batch's events already turned into what the store writes (see {@link EventStore.encodeEvents}):
 * made when the batch is prepared, so the batch holds compact bytes, not thousands of objects,
 * while it waits to be committed.
 */
export interface EncodedEvents {
  readonly count: number;
}

export interface WorkerWrite {
  events: readonly EnrichedEvent[];
  /** When given, `storedFormJson(events[i].event)`, already made (the store must not redo it). */
  eventJson?: readonly string[];
  /** The events encoded by this store's `encodeEvents`; `events` is then empty. */
  encodedEvents?: EncodedEvents;
  matches: readonly MatchPatch[];
  rounds: readonly RoundRow[];
  /**
   * Rounds from `fromRound` on are voided by a backup restore at `at` (epoch ms): their rows and
   * the events stored for them so far are flagged; the replayed rounds rewrite the rows.
   */
  roundVoids: readonly { matchId: string; fromRound: number; at: number }[];
  /**
   * Player kills of live rounds as the live statistics counted them when the round ended (and
   * again if post-round kills changed them); applied after `rounds`. The aggregation step rewrites
   * them from stored events when the match ends.
   */
  roundKills?: readonly { matchId: string; number: number; kills: number }[];
  /** Sequence gaps the worker skipped, recorded on the match in progress. */
  gaps: readonly { matchId: string; session: string; from: number; to: number; reason: string; at: number }[];
  players: readonly PlayerRow[];
  matchPlayers: readonly MatchPlayerRow[];
  snapshots: readonly SnapshotWrite[];
  deadLetters: readonly DeadLetter[];
  checkpoint?: StreamCheckpoint;
}

export interface EventStore {
  /** The last saved snapshot of each server that has one. */
  loadSnapshots(serverIds: readonly string[]): Promise<Map<string, ServerSnapshot>>;
  /**
   * Optional, for speed: encodes events ahead of `commit` (e.g. PostgreSQL's COPY text), for a
   * write that is prepared before it is committed (`geqo up`'s pipelined worker), so a batch
   * waiting for its commit holds bytes, not thousands of objects for the garbage collector to
   * copy: about 9 % less worker CPU per event on the worker-alone bench (docs/write-path.md).
   * A store without it is encoded at `commit`. With `after`, the result holds those events, then
   * these.
   */
  encodeEvents?(
    events: readonly EnrichedEvent[],
    eventJson: readonly string[],
    after?: EncodedEvents,
  ): EncodedEvents;
  /** Writes everything in one transaction; idempotent (events `ON CONFLICT DO NOTHING`). */
  commit(write: WorkerWrite): Promise<void>;
}
