import type { StreamCheckpoint } from '../../ports/index.ts';

/**
 * When the worker writes a server's snapshot (`match_state`), on a stream whose checkpoint commits
 * in the batch's own transaction (the local PostgreSQL stream).
 *
 * Without a schedule every batch writes a snapshot of every server it touched: with 50 servers
 * sending small frames that is a 5-50 KB JSON document per server per batch, and about a third of
 * the worker's CPU (the 50-server interleaved worker bench: 375 against 264 ms per 10k events).
 * With one, a server that keeps changing is written at most every `everyMs`, and the checkpoint
 * committed with a batch is held back to just before the oldest change that no written snapshot
 * holds yet. After a crash the stream is read again from there: the servers whose snapshot is
 * older get their frames again, and the others recognise them as duplicates (their sequencer
 * holds the `seq` they reached). So nothing is lost or applied twice, at the price of re-reading
 * at most about `everyMs` of the stream.
 *
 * It relies on records being prepared in stream order, which the pipeline guarantees; after any
 * failure the caller forgets it ({@link clear}) together with the cached states, and reading
 * starts over at the committed checkpoint.
 */
/** Snapshots that came due a batch writes at most (see {@link SnapshotSchedule.due}). */
const MAX_PUT_OFF_SNAPSHOTS_PER_BATCH = 8;

/** What a batch writes: the servers whose snapshots it holds (at their last changes' positions), and its checkpoint. */
export interface SnapshotPlan {
  saving: Map<string, string | null>;
  checkpoint: StreamCheckpoint | undefined;
}

export class SnapshotSchedule {
  /**
   * Servers changed since their last written snapshot, in the order they first changed, each with
   * the position of the record before that change (the checkpoint that reads it again), or
   * `undefined` when that position is not known (the first batch after a start or a failure).
   */
  private readonly unsaved = new Map<string, string | undefined>();
  /** When each server's snapshot was last put in a batch (this process's clock). */
  private readonly savedAt = new Map<string, number>();
  /** The position of the last record that changed each unsaved server. */
  private readonly latest = new Map<string, string>();
  /** The position of the last record prepared. */
  private lastPosition: string | undefined;

  constructor(private readonly everyMs: number) {}

  /**
   * The record at `position` changes the state of `serverId`; `before` is the position of the
   * record before it in the stream (`undefined` for a batch's first: the last one prepared).
   */
  changed(serverId: string, position: string, before: string | undefined): void {
    if (!this.unsaved.has(serverId)) this.unsaved.set(serverId, before ?? this.lastPosition);
    this.latest.set(serverId, position);
  }

  /** The position of the last record that changed `serverId` since its last snapshot. */
  positionOf(serverId: string): string | null {
    return this.latest.get(serverId) ?? null;
  }

  /** Every record up to `position` has been prepared (whatever happened to it). */
  passed(position: string): void {
    this.lastPosition = position;
  }

  /**
   * The servers whose snapshot goes into the batch being prepared now: those not written for
   * `everyMs`, those whose change cannot be read again, or all of them (`all`); at most `most`,
   * those changed first (they hold the checkpoint back), so servers that all came due together
   * (they started together) spread over the next batches instead of making one slow batch.
   */
  due(now: number, all = false, most = Number.POSITIVE_INFINITY): string[] {
    const due: string[] = [];
    let chosen = 0;
    for (const [serverId, since] of this.unsaved) {
      // A change that cannot be read again is always saved, whatever `most` says.
      if (since === undefined) due.push(serverId);
      else if (
        chosen < most &&
        (all || now - (this.savedAt.get(serverId) ?? Number.NEGATIVE_INFINITY) >= this.everyMs)
      ) {
        due.push(serverId);
        chosen += 1;
      }
    }
    return due;
  }

  /**
   * The batch being prepared, whose last record is `last` (none: it only writes what was put off),
   * writes the snapshots that are due of the servers `has` a state of (all with `all`, else at most
   * a few), which then count as written, and commits `checkpoint` held back to what written
   * snapshots cover.
   */
  plan(
    now: number,
    all: boolean,
    has: (serverId: string) => boolean,
    last: string | undefined,
    checkpoint: StreamCheckpoint | undefined,
  ): SnapshotPlan {
    if (checkpoint?.partitions !== undefined)
      throw new Error('a schedule holds back a single stream offset; a partitioned checkpoint cannot be');
    const due = this.due(now, all, all ? undefined : MAX_PUT_OFF_SNAPSHOTS_PER_BATCH).filter(has);
    const saving = new Map(due.map((serverId) => [serverId, this.positionOf(serverId)]));
    this.saved(due, now);
    if (last !== undefined) this.passed(last);
    const offset = last ?? this.lastPosition;
    if (checkpoint === undefined || offset === undefined) return { saving, checkpoint };
    return { saving, checkpoint: { ...checkpoint, offset: this.checkpointOffset(offset) } };
  }

  /** The snapshots of `serverIds` are in the batch being prepared: they count as written. */
  saved(serverIds: readonly string[], now: number): void {
    for (const serverId of serverIds) {
      this.unsaved.delete(serverId);
      this.latest.delete(serverId);
      this.savedAt.set(serverId, now);
    }
  }

  /**
   * The offset to commit with the batch: `offset` (the batch's last record) when every change is
   * in a snapshot, else the position before the oldest change that is not.
   */
  checkpointOffset(offset: string): string {
    // The first entry changed first; `due` never leaves one whose position is unknown.
    for (const since of this.unsaved.values()) return since ?? offset;
    return offset;
  }

  /** The position of the last record prepared, if any since the last {@link clear}. */
  get position(): string | undefined {
    return this.lastPosition;
  }

  get pending(): number {
    return this.unsaved.size;
  }

  /** Forgets everything (the cached states are gone; reading restarts at the checkpoint). */
  clear(): void {
    this.unsaved.clear();
    this.savedAt.clear();
    this.latest.clear();
    this.lastPosition = undefined;
  }
}
