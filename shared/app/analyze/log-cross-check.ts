/**
 * What a CS2 log says about its own match, next to what the engine made of it: the facts of each
 * live round as the log's lines state them, and the server's own scoreboard (the `round_stats`
 * table of `JSON_BEGIN … JSON_END` blocks, kept as `server_round_stats`) checked against our
 * statistics at the same point of the match.
 */
import { isKnownEvent, type PlayingSide, type RoundEndReason } from '../../domain/events/index.ts';
import type { MatchTimeline, TimelineRound } from '../../domain/match/index.ts';
import { computeMatchStats, type StatsOptionsInput } from '../../domain/stats/index.ts';

/** One live round as the log's lines state it. */
export interface LogRoundFacts {
  number: number;
  winnerSide: PlayingSide | null;
  reason: RoundEndReason | null;
  /** Score by side after the round, as the result line prints it. */
  scoreAfter: { CT: number; T: number };
  /** Players killed by another player from the round's start to its result. */
  kills: number;
  /** Of those, headshots. */
  headshots: number;
  /** Players killed by another player after the result, before the next round (`is_post_round`). */
  postRoundKills: number;
}

/** One player of the server's table against ours. */
export interface ServerStatsPlayerCheck {
  steamId: string;
  name: string | null;
  kills: number;
  deaths: number;
  serverKills: number | null;
  serverDeaths: number | null;
  agrees: boolean;
}

/** The server's last `round_stats` table of the match against our statistics of the same rounds. */
export interface ServerStatsCheck {
  /** The table was printed before this round: it covers the rounds before it. */
  round: number;
  /** Every player's kills and deaths agree. */
  agrees: boolean;
  players: ServerStatsPlayerCheck[];
}

/** The rounds of a timeline as the log states them. */
export function logRoundFacts(timeline: MatchTimeline): LogRoundFacts[] {
  return timeline.rounds.map((round) => {
    let kills = 0;
    let headshots = 0;
    let postRoundKills = 0;
    for (const { event, enrichment } of round.events) {
      if (!isKnownEvent(event) || event.type !== 'player_death') continue;
      if (event.attacker === undefined || event.attacker === event.victim) continue;
      if (enrichment.isPostRound) {
        postRoundKills++;
        continue;
      }
      kills++;
      if (event.headshot === true) headshots++;
    }
    return {
      number: round.number,
      winnerSide: round.winnerSide,
      reason: round.reason,
      scoreAfter: scoreBySide(round),
      kills,
      headshots,
      postRoundKills,
    };
  });
}

/**
 * Checks the last `server_round_stats` table of the match against our kills and deaths over the
 * rounds it covers (the server prints it as the next round is set up). `null` when the match has
 * no table (no `JSON_BEGIN` blocks: not a competitive server's log, or not a log at all).
 */
export function checkServerRoundStats(
  timeline: MatchTimeline,
  options: StatsOptionsInput = {},
): ServerStatsCheck | null {
  let table: { round: number; players: { steamId: string; stats: Record<string, number> }[] } | null = null;
  for (const round of timeline.rounds) {
    for (const { event } of round.events) {
      if (isKnownEvent(event) && event.type === 'server_round_stats') table = event;
    }
  }
  if (table === null) return null;
  const covered = table.round;
  const ours = computeMatchStats(
    { ...timeline, rounds: timeline.rounds.filter((round) => round.number < covered) },
    options,
  );
  const byId = new Map(ours.map((line) => [line.steamId, line]));
  const names = new Map(timeline.players.map((player) => [player.steamId, player.name]));
  const players = table.players.map(({ steamId, stats }): ServerStatsPlayerCheck => {
    const line = byId.get(steamId);
    const kills = line?.kills ?? 0;
    const deaths = line?.deaths ?? 0;
    const serverKills = stats.kills ?? null;
    const serverDeaths = stats.deaths ?? null;
    return {
      steamId,
      name: names.get(steamId) ?? null,
      kills,
      deaths,
      serverKills,
      serverDeaths,
      agrees: serverKills === kills && serverDeaths === deaths,
    };
  });
  return { round: covered, agrees: players.every((player) => player.agrees), players };
}

function scoreBySide(round: TimelineRound): { CT: number; T: number } {
  return { CT: round.scoreAfter[round.teams.CT] ?? 0, T: round.scoreAfter[round.teams.T] ?? 0 };
}
