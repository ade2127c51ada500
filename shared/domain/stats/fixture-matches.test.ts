/// <reference types="vite/client" />
/**
 * Two recorded pro maps against the figures of an independent demo parser
 * (`fixtures/matches/*.expected.json`). Counts must agree exactly; KAST and trades may differ where
 * the reference parser's definitions differ from ours, and every such difference is printed with
 * the kill it comes from.
 */
import { describe, expect, it } from 'vitest';
import nukeExpected from '../../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.expected.json' with {
  type: 'json',
};
import nukeEvents from '../../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl?raw';
import ancientExpected from '../../../../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.expected.json' with {
  type: 'json',
};
import ancientEvents from '../../../../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl?raw';
import { isKnownEvent } from '../events/index.ts';
import type { MatchSummaryPlayer } from '../match/summary.ts';
import type { MatchTimeline } from '../match/timeline.ts';
import { RoundKillTracker } from './kill-tracker.ts';
import { computeMatchStats } from './match-stats.ts';
import { computeRoundStats } from './round-stats.ts';
import { parseJsonLines, timelineFromEvents } from './test-helpers.ts';

/** The parts of `*.expected.json` this test reads. */
interface ExpectedMatch {
  rounds: { number: number; winnerSide: string; winnerTeam: string; reason: string }[];
  /** The reference's per-player figures: the MatchSummary fields it has (team names exact). */
  players: (Omit<MatchSummaryPlayer, 'clutchesWon' | 'rating1' | 'rating2approx' | 'multiKills' | 'team'> & {
    team: string;
    multiKills: Record<'2' | '3' | '4' | '5', number>;
  })[];
}

/**
 * The reference parser's trade conventions, found by replaying the fixtures: a window of about
 * 6 s (any value from 6.0 to 6.7 s reproduces it) and one traded death per trade kill, the latest.
 */
const REFERENCE_TRADE_WINDOW_MS = 6000;

interface TradeFigures {
  tradeKills: number;
  tradedDeaths: number;
  kastRounds: number;
}

interface DefinitionDifference {
  round: number;
  killer: string;
  victim: string;
  ours: string[];
  reference: string[];
  /** Seconds between each avenged death and this kill. */
  gaps: string[];
}

/**
 * Trade kills, traded deaths and KAST rounds per player under the reference's trade conventions,
 * and the kills on which they disagree with ours.
 */
function referenceTradeFigures(timeline: MatchTimeline) {
  const figures = new Map<string, TradeFigures>();
  const differences: DefinitionDifference[] = [];
  for (const round of timeline.rounds) {
    const records = computeRoundStats(round, { tradeWindowMs: REFERENCE_TRADE_WINDOW_MS });
    const oursTracker = new RoundKillTracker(round.sides);
    const referenceTracker = new RoundKillTracker(round.sides, { tradeWindowMs: REFERENCE_TRADE_WINDOW_MS });
    const deathTimes = new Map<string, number>();
    const tradedByReference = new Set<string>();
    for (const { event } of round.events) {
      if (!isKnownEvent(event) || event.type !== 'player_death') continue;
      const ours = oursTracker.onDeath(event).traded;
      const latest = referenceTracker.onDeath(event).traded.at(-1);
      const reference = latest === undefined ? [] : [latest];
      if (latest !== undefined) tradedByReference.add(latest);
      if (ours.join() !== reference.join()) {
        differences.push({
          round: round.number,
          killer: event.attacker ?? 'world',
          victim: event.victim,
          ours,
          reference,
          gaps: [...new Set([...ours, ...reference])].map(
            (steamId) =>
              `${steamId} +${((event.ts - (deathTimes.get(steamId) ?? event.ts)) / 1000).toFixed(3)} s`,
          ),
        });
      }
      deathTimes.set(event.victim, event.ts);
    }
    for (const record of Object.values(records)) {
      const traded = tradedByReference.has(record.steamId);
      const entry = figures.get(record.steamId) ?? { tradeKills: 0, tradedDeaths: 0, kastRounds: 0 };
      entry.tradeKills += record.tradeKills;
      if (traded) entry.tradedDeaths += 1;
      if (record.kills > 0 || record.assists > 0 || record.survived || traded) entry.kastRounds += 1;
      figures.set(record.steamId, entry);
    }
  }
  return { figures, differences };
}

const MATCHES: { label: string; events: string; expected: ExpectedMatch }[] = [
  { label: 'de_nuke FURIA 2-13 Team Vitality', events: nukeEvents, expected: nukeExpected },
  { label: 'de_ancient Team Spirit 13-10 Team Falcons', events: ancientEvents, expected: ancientExpected },
];

describe.each(MATCHES)('fixture match $label', ({ events, expected }) => {
  const timeline = timelineFromEvents(parseJsonLines(events));
  const stats = computeMatchStats(timeline);
  const lineOf = (steamId: string) => {
    const line = stats.find((entry) => entry.steamId === steamId);
    if (line === undefined) throw new Error(`no stats line for ${steamId}`);
    return line;
  };
  const roundsPlayed = expected.rounds.length;

  it('is read into the expected live rounds', () => {
    // Prepare
    const expectedRounds = expected.rounds.map(({ number, winnerSide, winnerTeam, reason }) => ({
      number,
      winnerSide,
      winnerTeam,
      reason,
    }));

    // Act
    const rounds = timeline.rounds.map(({ number, winnerSide, winnerTeam, reason }) => ({
      number,
      winnerSide,
      winnerTeam,
      reason,
    }));

    // Assess
    expect(rounds).toEqual(expectedRounds);
  });

  it('agrees exactly on kills, deaths, assists, headshots, damage and ADR', () => {
    // Prepare
    const wanted = expected.players.map((player) => ({
      steamId: player.steamId,
      team: player.team,
      roundsPlayed,
      kills: player.kills,
      deaths: player.deaths,
      assists: player.assists,
      headshotKills: player.headshotKills,
      damage: player.damage,
      adr: player.adr,
    }));

    // Act
    const ours = expected.players.map((player) => {
      const line = lineOf(player.steamId);
      return {
        steamId: line.steamId,
        team: line.team,
        roundsPlayed: line.roundsPlayed,
        kills: line.kills,
        deaths: line.deaths,
        assists: line.assists,
        headshotKills: line.headshotKills,
        damage: line.damage,
        adr: line.adr,
      };
    });

    // Assess
    expect(ours).toEqual(wanted);
    expect(stats).toHaveLength(expected.players.length);
  });

  it('agrees exactly on openings, multi-kills, utility damage and flash assists', () => {
    // Prepare
    const wanted = expected.players.map(
      ({ steamId, openingKills, openingDeaths, multiKills, utilityDamage, flashAssists }) => ({
        steamId,
        openingKills,
        openingDeaths,
        multiKills,
        utilityDamage,
        flashAssists,
      }),
    );

    // Act
    const ours = expected.players.map((player) => {
      const { steamId, openingKills, openingDeaths, multiKills, utilityDamage, flashAssists } = lineOf(
        player.steamId,
      );
      return { steamId, openingKills, openingDeaths, multiKills, utilityDamage, flashAssists };
    });

    // Assess
    expect(ours).toEqual(wanted);
  });

  it("reproduces KAST and trades exactly under the reference parser's trade conventions", () => {
    // Prepare
    const wanted = expected.players.map(({ steamId, tradeKills, tradedDeaths, kast }) => ({
      steamId,
      tradeKills,
      tradedDeaths,
      // The reference prints KAST with 3 decimals: compare whole rounds.
      kastRounds: Math.round((kast * roundsPlayed) / 100),
    }));

    // Act
    const { figures } = referenceTradeFigures(timeline);
    const ours = expected.players.map(({ steamId }) => {
      const entry = figures.get(steamId) ?? { tradeKills: 0, tradedDeaths: 0, kastRounds: 0 };
      return {
        steamId,
        tradeKills: entry.tradeKills,
        tradedDeaths: entry.tradedDeaths,
        kastRounds: entry.kastRounds,
      };
    });

    // Assess
    expect(ours).toEqual(wanted);
  });

  it('differs on KAST and trades under our definitions only on the kills where definitions differ', () => {
    // Prepare
    const names = new Map(expected.players.map((player) => [player.steamId, player.name]));
    const nameOf = (steamId: string) => names.get(steamId) ?? steamId;
    const { differences } = referenceTradeFigures(timeline);

    // Act
    const report = expected.players.flatMap((player) => {
      const line = lineOf(player.steamId);
      const kastRounds = Math.round((line.kast * roundsPlayed) / 100);
      const expectedKastRounds = Math.round((player.kast * roundsPlayed) / 100);
      const deltas = {
        tradeKills: line.tradeKills - player.tradeKills,
        tradedDeaths: line.tradedDeaths - player.tradedDeaths,
        kastRounds: kastRounds - expectedKastRounds,
      };
      const asKiller = differences.filter((difference) => difference.killer === player.steamId).length;
      const asVictim = differences.filter(
        (difference) =>
          difference.ours.includes(player.steamId) || difference.reference.includes(player.steamId),
      ).length;
      return deltas.tradeKills === 0 && deltas.tradedDeaths === 0 && deltas.kastRounds === 0
        ? []
        : [{ name: player.name, ...deltas, asKiller, asVictim }];
    });
    console.info(
      [
        'KAST / trades, ours minus reference:',
        ...report.map(
          (entry) =>
            `  ${entry.name}: trade kills ${entry.tradeKills}, traded deaths ${entry.tradedDeaths}, KAST rounds ${entry.kastRounds}`,
        ),
        'kills where the definitions differ (ours: 5 s, every teammate; reference: ~6 s, latest teammate only):',
        ...differences.map(
          (difference) =>
            `  round ${difference.round}: ${nameOf(difference.killer)} kills ${nameOf(difference.victim)}; ` +
            `ours trades [${difference.ours.map(nameOf).join(', ')}], reference [${difference.reference.map(nameOf).join(', ')}]` +
            ` (${difference.gaps.map((gap) => gap.replace(/^\S+/, (steamId) => nameOf(steamId))).join('; ')})`,
        ),
      ].join('\n'),
    );

    // Assess: every difference is accounted for by a differing kill involving that player
    for (const entry of report) {
      expect(Math.abs(entry.tradeKills), entry.name).toBeLessThanOrEqual(entry.asKiller);
      expect(Math.abs(entry.tradedDeaths), entry.name).toBeLessThanOrEqual(entry.asVictim);
      expect(Math.abs(entry.kastRounds), entry.name).toBeLessThanOrEqual(entry.asVictim);
    }
  });
});
