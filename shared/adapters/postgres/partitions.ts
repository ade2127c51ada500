import type pg from 'pg';

const DAY_MS = 86_400_000;

/** `game_events_p20260517` for the UTC day holding `ts`. */
export function partitionName(dayStartMs: number): string {
  return `game_events_p${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/**
 * Keeps daily `game_events` partitions ahead of the data when the table is natively partitioned
 * (with TimescaleDB the hypertable makes its own chunks). Remembers the days it has made, so a
 * batch costs one set lookup per distinct day.
 */
export class EventPartitions {
  private readonly known = new Set<number>();
  private native: boolean | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** Makes sure a partition exists for each day of `timestamps` (epoch ms). */
  async ensureFor(timestamps: Iterable<number>): Promise<void> {
    const missing = new Set<number>();
    for (const ts of timestamps) {
      const day = dayStart(ts);
      if (!this.known.has(day)) missing.add(day);
    }
    if (missing.size === 0) return;
    if (this.native === undefined) this.native = await this.isNativelyPartitioned();
    for (const day of missing) {
      if (this.native) await this.create(day);
      this.known.add(day);
    }
  }

  /** Creates partitions from `days` before today to `ahead` days after (run at start-up). */
  async ensureAround(now: number, behind = 1, ahead = 7): Promise<void> {
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
