/**
 * Typed factories of MatchZy and get5 webhook payloads, shaped as the plugins really send them
 * (`fixtures/webhooks/matchzy-notes.md`): MatchZy's numeric `matchid`, its `winner.side` as the CS2
 * team number and its `winner.team` naming the leading team, no team `side`; get5's string
 * `matchid`, `"ct"` / `"t"` sides and the real winning team. Tests only.
 */
import type { PlayingSide } from '../events/index.ts';
import type { JsonObject, TeamSlot } from './webhook-payload.ts';

export const TEAM1 = { id: '2843', name: 'Natus Vincere' } as const;
export const TEAM2 = { id: '1337', name: 'Team Spirit' } as const;

/** Five players per team, with SteamID64s. */
export const ROSTER: Record<TeamSlot, { steamid: string; name: string }[]> = {
  team1: [1, 2, 3, 4, 5].map((n) => ({ steamid: `7656119800000000${n}`, name: `navi${n}` })),
  team2: [1, 2, 3, 4, 5].map((n) => ({ steamid: `7656119800000010${n}`, name: `spirit${n}` })),
};

export function matchzySeriesStart(matchid = 14272): JsonObject {
  return { event: 'series_start', matchid, num_maps: 1, team1: { ...TEAM1 }, team2: { ...TEAM2 } };
}

export function matchzyMapPicked(map: string, mapNumber = 0, matchid = 14272): JsonObject {
  return { event: 'map_picked', matchid, team: 'team1', map_name: map, map_number: mapNumber };
}

export function goingLive(matchid: number | string = 14272, mapNumber = 0): JsonObject {
  return { event: 'going_live', matchid, map_number: mapNumber };
}

function statsPlayers(slot: TeamSlot, kills: number): JsonObject[] {
  return ROSTER[slot].map((player, index) => ({
    ...player,
    stats: {
      kills: index === 0 ? kills : 0,
      deaths: 1,
      assists: 0,
      damage: index === 0 ? 100 * kills : 0,
      headshot_kills: 0,
    },
  }));
}

/**
 * A MatchZy `round_end` after which the map score is `score`: `winner.side` is the CS2 team number
 * of the side that won the round, `winner.team` the team leading after it (a tie: `team2`), the
 * round time 0, and the teams carry no side.
 */
export function matchzyRoundEnd(options: {
  winnerSide: PlayingSide | '0';
  score: Record<TeamSlot, number>;
  reason?: number;
  matchid?: number;
  roundNumber?: number;
  withStats?: boolean;
}): JsonObject {
  const { score } = options;
  const team = (slot: TeamSlot): JsonObject => ({
    ...(slot === 'team1' ? TEAM1 : TEAM2),
    series_score: 0,
    score: score[slot],
    score_ct: 0,
    score_t: 0,
    players: options.withStats === false ? [] : statsPlayers(slot, score[slot]),
  });
  return {
    event: 'round_end',
    matchid: options.matchid ?? 14272,
    map_number: 0,
    round_number: options.roundNumber ?? score.team1 + score.team2,
    round_time: 0,
    reason: options.reason ?? (options.winnerSide === 'T' ? 9 : 8),
    winner: {
      side: options.winnerSide === 'CT' ? '3' : options.winnerSide === 'T' ? '2' : '0',
      team: score.team1 > score.team2 ? 'team1' : 'team2',
    },
    team1: team('team1'),
    team2: team('team2'),
  };
}

/** A get5 `round_end`: sides as `"ct"`/`"t"`, the real winning team, each team's current side. */
export function get5RoundEnd(options: {
  winnerTeam: TeamSlot;
  team1Side: PlayingSide;
  score: Record<TeamSlot, number>;
  reason?: number;
}): JsonObject {
  const side = (slot: TeamSlot): 'ct' | 't' => {
    const team1 = options.team1Side === 'CT' ? 'ct' : 't';
    return slot === 'team1' ? team1 : team1 === 'ct' ? 't' : 'ct';
  };
  const team = (slot: TeamSlot): JsonObject => ({
    ...(slot === 'team1' ? TEAM1 : TEAM2),
    series_score: 0,
    score: options.score[slot],
    side: side(slot),
    starting_side: side(slot),
    players: [],
  });
  return {
    event: 'round_end',
    matchid: 'get5-match-7',
    map_number: 0,
    round_number: options.score.team1 + options.score.team2 - 1,
    round_time: 51_434,
    reason: options.reason ?? (side(options.winnerTeam) === 'ct' ? 7 : 8),
    winner: { side: side(options.winnerTeam), team: options.winnerTeam },
    team1: team('team1'),
    team2: team('team2'),
  };
}

/** A get5 player object. */
export function get5Player(
  steamid: string,
  name: string,
  side: 'ct' | 't' = 'ct',
  isBot = false,
): JsonObject {
  return { steamid, name, user_id: 7, side, is_bot: isBot };
}
