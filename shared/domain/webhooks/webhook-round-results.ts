/**
 * Round and map results from MatchZy / get5 webhooks: `round_end` and `map_result`.
 *
 * The catalog's `round_end` needs the winning *side* and the score by side; the payloads give the
 * score by *team* and a winner that cannot always be taken at its word:
 *
 * - MatchZy's `winner.side` is the CS2 team number as a string (`"2"` = T, `"3"` = CT), and its
 *   `winner.team` names the team that *leads* the map (a tie gives `"team2"`), not the round's
 *   winner. It sends no `side` for the teams either. So the team on CT is worked out: the team
 *   whose score just rose by one won the round, on the winner's side.
 * - get5 sends `"ct"` / `"t"`, the real winning team, and each team's current `side`.
 *
 * Strongest evidence first: the teams' own `side`; then the winner's side and who scored; then
 * what the last round said. A result whose winner cannot be told at all is not guessed.
 */
import type { AnyEvent, EventOf, GameEvent, PlayingSide } from '../events/index.ts';
import { roundEndReasonOf } from './round-end-reason-codes.ts';
import type { WebhookMatchState, WebhookTeam } from './webhook-match-state.ts';
import {
  intAt,
  isJsonObject,
  type JsonObject,
  objectAt,
  otherSlot,
  readPlayerId,
  readSide,
  readTeamSlot,
  stringAt,
  type TeamSlot,
} from './webhook-payload.ts';
import type { WebhookSource } from './webhook-source.ts';

/** What a result payload became: events and the next state, or why it carries none. */
export type ResultMapping =
  | { ok: true; events: AnyEvent[]; state: WebhookMatchState }
  | { ok: false; reason: string; state: WebhookMatchState };

/** The most players a `server_round_stats` holds (the catalog's bound). */
const MAX_STATS_PLAYERS = 64;

/**
 * `round_end`: `team_names` when the sides changed, a `round_start` when none was sent for this
 * round (MatchZy sends no round start), the `round_end`, and the players' cumulative stats as a
 * `server_round_stats` (the same shape the CS2 log's own round_stats table takes).
 */
export function mapRoundEnd(
  source: WebhookSource,
  payload: JsonObject,
  previous: WebhookMatchState,
  ts: number,
): ResultMapping {
  const state = structuredClone(previous);
  const team1 = objectAt(payload, 'team1');
  const team2 = objectAt(payload, 'team2');
  rememberTeams(state, team1, team2);
  const winnerObject = objectAt(payload, 'winner');
  const winnerSide = readSide(winnerObject?.side);
  const reported = { team1: scoreOf(team1), team2: scoreOf(team2) };
  const scorer = scoringTeam(previous.score, reported);

  const ctTeam =
    ctTeamBySides(team1, team2) ??
    (winnerSide !== null && scorer !== null ? (winnerSide === 'CT' ? scorer : otherSlot(scorer)) : null) ??
    state.ctTeam;
  let winner: PlayingSide | null = winnerSide;
  if (winner === null && scorer !== null && ctTeam !== null) winner = scorer === ctTeam ? 'CT' : 'T';
  // Only get5's winner.team is the round's winner; MatchZy's is the leading team.
  const get5Team = source === 'get5' ? readTeamSlot(winnerObject?.team) : null;
  if (winner === null && get5Team !== null && ctTeam !== null) winner = get5Team === ctTeam ? 'CT' : 'T';
  if (winner === null) {
    return { ok: false, reason: 'round_end names no winning side and the score does not tell it', state };
  }
  // Without any evidence yet, team1 is taken to be on CT; the next round whose score tells
  // otherwise corrects it.
  const onCt: TeamSlot = ctTeam ?? 'team1';
  const winnerTeam: TeamSlot = winner === 'CT' ? onCt : otherSlot(onCt);
  const score = {
    team1: reported.team1 ?? previous.score.team1 + (winnerTeam === 'team1' ? 1 : 0),
    team2: reported.team2 ?? previous.score.team2 + (winnerTeam === 'team2' ? 1 : 0),
  };
  const reason = roundEndReasonOf(source, intAt(payload, 'reason')) ?? (winner === 'CT' ? 'ct_win' : 't_win');

  const events: AnyEvent[] = [];
  const names = teamNamesEvent(state, onCt, ts);
  if (names !== null) events.push(names);
  if (!state.roundOpen) events.push({ type: 'round_start', ts });
  const scoreCT = onCt === 'team1' ? score.team1 : score.team2;
  const scoreT = onCt === 'team1' ? score.team2 : score.team1;
  events.push({ type: 'round_end', ts, winner, reason, scoreCT, scoreT });
  const stats = roundStatsEvent(state, { team1, team2 }, onCt, { scoreCT, scoreT }, ts);
  if (stats !== null) events.push(stats);

  state.ctTeam = onCt;
  state.score = score;
  state.roundOpen = false;
  return { ok: true, events, state };
}

/**
 * `map_result`: the map is over, as `match_end` with the score by side. Its `winner` is not read:
 * MatchZy's `winner.side` there is `"3"` only when team1 leads *and* plays CT, `"2"` otherwise.
 */
export function mapMapResult(payload: JsonObject, previous: WebhookMatchState, ts: number): ResultMapping {
  const state = structuredClone(previous);
  const team1 = objectAt(payload, 'team1');
  const team2 = objectAt(payload, 'team2');
  rememberTeams(state, team1, team2);
  const score1 = scoreOf(team1) ?? previous.score.team1;
  const score2 = scoreOf(team2) ?? previous.score.team2;
  const onCt = ctTeamBySides(team1, team2) ?? state.ctTeam ?? 'team1';
  state.score = { team1: score1, team2: score2 };
  state.ctTeam = onCt;
  state.roundOpen = false;
  const matchEnd: EventOf<'match_end'> = {
    type: 'match_end',
    ts,
    scoreCT: onCt === 'team1' ? score1 : score2,
    scoreT: onCt === 'team1' ? score2 : score1,
  };
  return { ok: true, events: [matchEnd], state };
}

/** The team names from a payload's team objects, kept for later events (names can come late). */
export function rememberTeams(
  state: WebhookMatchState,
  team1: JsonObject | null,
  team2: JsonObject | null,
): void {
  const read = (team: JsonObject | null, known: WebhookTeam | null): WebhookTeam | null => {
    const name = team === null ? null : stringAt(team, 'name');
    if (name === null) return known;
    return {
      name: name.slice(0, 200),
      id: team === null ? null : (stringAt(team, 'id') ?? known?.id ?? null),
    };
  };
  state.teams = { team1: read(team1, state.teams.team1), team2: read(team2, state.teams.team2) };
}

function scoreOf(team: JsonObject | null): number | null {
  const score = team === null ? null : intAt(team, 'score');
  return score !== null && score >= 0 ? score : null;
}

/** The team whose score rose by exactly one while the other's stayed; `null` otherwise (restores, gaps). */
function scoringTeam(
  before: Record<TeamSlot, number>,
  after: Record<TeamSlot, number | null>,
): TeamSlot | null {
  if (after.team1 === null || after.team2 === null) return null;
  const delta1 = after.team1 - before.team1;
  const delta2 = after.team2 - before.team2;
  if (delta1 === 1 && delta2 === 0) return 'team1';
  if (delta2 === 1 && delta1 === 0) return 'team2';
  return null;
}

/** The team on CT by the teams' own `side` fields (get5, and the schema), when they say. */
function ctTeamBySides(team1: JsonObject | null, team2: JsonObject | null): TeamSlot | null {
  const side1 = readSide(team1?.side);
  const side2 = readSide(team2?.side);
  if (side1 !== null && side2 !== null && side1 === side2) return null;
  if (side1 !== null) return side1 === 'CT' ? 'team1' : 'team2';
  if (side2 !== null) return side2 === 'CT' ? 'team2' : 'team1';
  return null;
}

/** `team_names` for the sides now, when both names are known and differ from the last sent. */
function teamNamesEvent(state: WebhookMatchState, onCt: TeamSlot, ts: number): EventOf<'team_names'> | null {
  const ct = state.teams[onCt]?.name;
  const t = state.teams[otherSlot(onCt)]?.name;
  if (ct === undefined || t === undefined || ct === t) return null;
  if (state.namesSent?.ct === ct && state.namesSent.t === t) return null;
  state.namesSent = { ct, t };
  return { type: 'team_names', ts, ct, t };
}

/** The players' cumulative stats after the round, or `null` when the payload lists none. */
function roundStatsEvent(
  state: WebhookMatchState,
  teams: Record<TeamSlot, JsonObject | null>,
  onCt: TeamSlot,
  score: { scoreCT: number; scoreT: number },
  ts: number,
): GameEvent | null {
  const players: EventOf<'server_round_stats'>['players'] = [];
  for (const slot of ['team1', 'team2'] as const) {
    const list = teams[slot]?.players;
    if (!Array.isArray(list)) continue;
    const side: PlayingSide = slot === onCt ? 'CT' : 'T';
    for (const player of list) {
      if (!isJsonObject(player) || players.length >= MAX_STATS_PLAYERS) continue;
      const steamId = readPlayerId(player);
      if (steamId === null) continue;
      players.push({ steamId, side, stats: numericFields(objectAt(player, 'stats')) });
    }
  }
  if (players.length === 0) return null;
  const map = state.mapNumber === null ? undefined : state.maps[String(state.mapNumber)];
  return {
    type: 'server_round_stats',
    ts,
    // As in the CS2 log's table: the round about to be played, and the score before it.
    round: score.scoreCT + score.scoreT + 1,
    scoreCT: score.scoreCT,
    scoreT: score.scoreT,
    ...(map === undefined ? {} : { map }),
    players,
  };
}

/** The numeric fields of a stats object, under the plugin's own names (`kills`, `damage`, `1v2`, …). */
function numericFields(stats: JsonObject | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (stats === null) return out;
  for (const [key, value] of Object.entries(stats)) {
    if (key.length > 64) continue;
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}
