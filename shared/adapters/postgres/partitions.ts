import type pg from 'pg';

const DAY_MS = 86_400_000;

/**
 * The days the writer makes partitions for, around its clock: from {@link PARTITION_DAYS_BEHIND}
 * days before today to {@link PARTITION_DAYS_AHEAD} after. An event dated outside (a replayed
 * 2020 log, a match analysed months later) lands in `game_events_default` instead: still stored
 * and found by every query on `game_events`, but it no longer costs a permanent table per day.
 * (Five frames of old events, each dated a different day, once made 5,000 partitions.)
 */
export const PARTITION_DAYS_BEHIND = 30;
export const PARTITION_DAYS_AHEAD = 2;

/** `game_events_p20260517` for the UTC day holding `ts`. */
export function partitionName(dayStartMs: number): string {
  return `game_events_p${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/** Where partitions are made, in days around the clock (see {@link PARTITION_DAYS_BEHIND}). */
export interface PartitionWindow {
  daysBehind: number;
  daysAhead: number;
}

export const DEFAULT_PARTITION_WINDOW: Readonly<PartitionWindow> = Object.freeze({
  daysBehind: PARTITION_DAYS_BEHIND,
  daysAhead: PARTITION_DAYS_AHEAD,
});

/**
 * Keeps daily `game_events` partitions ahead of the data when the table is natively partitioned
 * (with TimescaleDB the hypertable makes its own chunks). Remembers the days it has made, so a
 * batch costs one set lookup per distinct day. Only days within the window around `clock()` get
 * a partition; the rest go to the default partition.
 */
export class EventPartitions {
  private readonly known = new Set<number>();
  private native: boolean | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly window: PartitionWindow = DEFAULT_PARTITION_WINDOW,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Makes sure a partition exists for each day of `timestamps` (epoch ms) within the window;
   * the others are left to the default partition.
   */
  async ensureFor(timestamps: Iterable<number>): Promise<void> {
    const today = dayStart(this.clock());
    const first = today - this.window.daysBehind * DAY_MS;
    const last = today + this.window.daysAhead * DAY_MS;
    const missing = new Set<number>();
    for (const ts of timestamps) {
      const day = dayStart(ts);
      if (day >= first && day <= last && !this.known.has(day)) missing.add(day);
    }
    if (missing.size === 0) return;
    if (this.native === undefined) this.native = await this.isNativelyPartitioned();
    for (const day of missing) {
      if (this.native) await this.create(day);
      this.known.add(day);
    }
  }

  /**
   * Creates partitions from `behind` days before today to `ahead` days after (run at start-up),
   * as far as the window lets.
   */
  async ensureAround(now: number, behind = 1, ahead = this.window.daysAhead): Promise<void> {
    const days: number[] = [];
    for (let d = -behind; d <= ahead; d += 1) days.push(now + d * DAY_MS);
    await this.ensureFor(days);
  }

  private async isNativelyPartitioned(): Promise<boolean> {
    const { rows } = await this.pool.query<{ native: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
        WHERE c.relname = 'game_events' AND c.relnamespace = to_regnamespace(current_schema())) AS native`,
    );
    return rows[0]?.native === true;
  }

  private async create(day: number): Promise<void> {
    const name = partitionName(day);
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    try {
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF game_events FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    } catch (error) {
      // Rows for that day already sit in the default partition (written before this day was
      // known): they stay there, still found by every query on the parent table.
      const code = (error as { code?: string }).code;
      if (code !== '23514' && code !== '42P07' && code !== '23505') throw error;
    }
  }
}
