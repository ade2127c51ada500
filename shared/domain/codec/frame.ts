import type { AnyEvent } from '../events/catalog.ts';

/** The only frame version this codec reads and writes. */
export const FRAME_VERSION = 1;

/**
 * One plugin frame (DESIGN.md section 3): a batch of events from one server boot (`session`),
 * numbered by `seq` (1, 2, 3, … within the session).
 */
export interface Frame {
  v: typeof FRAME_VERSION;
  /** The sending server's id. */
  server: string;
  /** A per-plugin-boot id. */
  session: string;
  /** Starts at 1 and rises by one per frame within a session. */
  seq: number;
  /** When the plugin sent the frame, epoch ms on the server clock. */
  sentAt: number;
  /** External match id (MatchZy/get5), when the server has one. */
  match?: string;
  /** Operator label copied to every stored event as `match_tag`. */
  tag?: string;
  /** Known events are validated; unknown types arrive as `UnknownEvent` (`unknown: true`). */
  events: AnyEvent[];
}
