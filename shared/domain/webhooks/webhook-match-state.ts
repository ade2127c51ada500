/**
 * What the webhook mapper remembers between two payloads of one server's match. Webhooks are
 * one event each and carry no timeline: which team plays CT, the score before a round, whether a
 * round was opened, the map picked for a map number, all come from earlier payloads. Plain JSON,
 * stored with the ingest channel so that any process maps the next payload.
 */
import type { TeamSlot } from './webhook-payload.ts';

export interface WebhookTeam {
  name: string;
  /** The user-supplied team id of the match config, if any. */
  id: string | null;
}

export interface WebhookMatchState {
  version: 1;
  /** The external match id (`matchid`) this state belongs to. */
  matchId: string | null;
  teams: Record<TeamSlot, WebhookTeam | null>;
  /** Map names by map number, from `map_picked`. */
  maps: Record<string, string>;
  /** The map being played (`map_number` of `going_live`). */
  mapNumber: number | null;
  /** The team on CT, as last worked out (explicit sides, or the winner's side and the score). */
  ctTeam: TeamSlot | null;
  /** Map score after the last round result, by team. */
  score: Record<TeamSlot, number>;
  /** A `round_start` went out whose `round_end` has not. */
  roundOpen: boolean;
  /** The `team_names` last sent, so a change of sides (halftime) sends them again. */
  namesSent: { ct: string; t: string } | null;
}

/** The state of a match no payload has told anything about yet. */
export function initialWebhookMatchState(matchId: string | null = null): WebhookMatchState {
  return {
    version: 1,
    matchId,
    teams: { team1: null, team2: null },
    maps: {},
    mapNumber: null,
    ctTeam: null,
    score: { team1: 0, team2: 0 },
    roundOpen: false,
    namesSent: null,
  };
}

/** A stored state, or a fresh one when it is missing or from another version. */
export function restoreWebhookMatchState(saved: unknown): WebhookMatchState {
  const candidate = saved as Partial<WebhookMatchState> | null;
  return candidate?.version === 1 && typeof candidate.score === 'object'
    ? structuredClone(candidate as WebhookMatchState)
    : initialWebhookMatchState();
}
