/**
 * What a CS2 log parse carries from one line to the next. A few facts span lines: a round_stats
 * block, the two team-name lines, a command and the server's echo of it. The state is plain JSON
 * so that a stream parser can be saved after one HTTP body and resumed by another process for the
 * next body of the same server.
 */

/** Cross-line parse state; plain JSON (see {@link LogStreamParser.toJSON}). */
export interface LogParseState {
  /** The team names last emitted as `team_names`; reset at map, match and restart boundaries. */
  teamNames: { ct: string; t: string } | null;
  /** Team names read since the last emission; a `team_names` waits for both sides. */
  pendingTeamNames: { ct: string | null; t: string | null };
  /** Whether the match is paused, as far as the log has said. */
  paused: boolean;
  /**
   * A pause change already emitted from an rcon command: the server's own `Match pause is …`
   * line that follows it within {@link ECHO_WINDOW_MS} is its echo, not a second change.
   */
  pauseEcho: { paused: boolean; ts: number } | null;
  /** Time of an rcon `mp_restartgame` already emitted: the `Restart_Round_` trigger is its echo. */
  restartEchoTs: number | null;
  /** Time of an rcon backup restore already emitted: `Match_Reloaded` and the draw are its echo. */
  restoreEchoTs: number | null;
  /** Time of a `Match_Reloaded` with no rcon before it: the draw line after it tells the round. */
  reloadedTs: number | null;
  /**
   * The current round's bomb: the site of its plant, the player who last began a defuse (CS2
   * logs no `Defused_The_Bomb` line, so the defuse that ended the round is the last one begun),
   * and whether its explosion or defuse was already emitted.
   */
  bomb: BombState;
  /** The last purchase seen on a `money change` line: its cost goes on the `purchased` line. */
  lastPurchase: { steamId: string; item: string; cost: number } | null;
  /** An open `JSON_BEGIN{` block: its start time and body lines so far. */
  jsonBlock: { ts: number; lines: string[] } | null;
}

/** See {@link LogParseState.bomb}. */
export interface BombState {
  site: string | null;
  defuser: string | null;
  exploded: boolean;
  defused: boolean;
}

/** How a parse reads lines, and its state. */
export interface LogParseContext {
  /** The server's local time minus UTC, in minutes (log times are local). Default 0. */
  utcOffsetMinutes: number;
  state: LogParseState;
}

/** How far apart (ms) an rcon command and the server line it causes may be logged. */
export const ECHO_WINDOW_MS = 3_000;

/** A fresh state: no names known, not paused, nothing pending. */
export function initialLogParseState(): LogParseState {
  return {
    teamNames: null,
    pendingTeamNames: { ct: null, t: null },
    paused: false,
    pauseEcho: null,
    restartEchoTs: null,
    restoreEchoTs: null,
    reloadedTs: null,
    bomb: noBomb(),
    lastPurchase: null,
    jsonBlock: null,
  };
}

/** A context for parsing one server's log from its beginning. */
export function createLogParseContext(options: { utcOffsetMinutes?: number } = {}): LogParseContext {
  return { utcOffsetMinutes: options.utcOffsetMinutes ?? 0, state: initialLogParseState() };
}

/** The bomb state of a round with no plant yet. */
export function noBomb(): BombState {
  return { site: null, defuser: null, exploded: false, defused: false };
}
