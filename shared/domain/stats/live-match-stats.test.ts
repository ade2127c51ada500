/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import nukeEvents from '../../../../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl?raw';
import ancientEvents from '../../../../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl?raw';
import { applyEvent } from '../match/engine.ts';
import { createServerState } from '../match/engine-state.ts';
import type { EnrichedEvent } from '../match/enrichment.ts';
import { ROSTERS, ScriptedServer } from '../match/test-helpers.ts';
import { buildTimeline } from '../match/timeline.ts';
import { createLiveStatsState, LiveMatchStats, type LiveStatsUpdate } from './live-match-stats.ts';
import { computeMatchStats } from './match-stats.ts';
import { parseJsonLines } from './test-helpers.ts';

/** Every event of a recording through the engine, as the worker applies them. */
function enrichRecording(text: string): EnrichedEvent[] {
  const state = createServerState('fixture');
  return parseJsonLines(text).map(
    (event, index) =>
      applyEvent(state, { key: { server: 'fixture', session: 'rec', seq: index + 1, index: 0 }, event })
        .enriched,
  );
}

/** Feeds events in batches of `batchSize`, taking the updates after each batch as the worker does. */
function feed(live: LiveMatchStats, events: readonly EnrichedEvent[], batchSize: number): LiveStatsUpdate[] {
  const updates: LiveStatsUpdate[] = [];
  for (let start = 0; start < events.length; start += batchSize) {
    for (const event of events.slice(start, start + batchSize)) live.add(event);
    updates.push(...live.takeUpdates());
  }
  return updates;
}

const a1 = ROSTERS.alpha[0]!;
const a2 = ROSTERS.alpha[1]!;
const b1 = ROSTERS.bravo[0]!;
const b2 = ROSTERS.bravo[1]!;

describe.each([
  { label: 'de_nuke', text: nukeEvents },
  { label: 'de_ancient', text: ancientEvents },
])('live statistics of the $label recording', ({ text }) => {
  const events = enrichRecording(text);
  const final = computeMatchStats(buildTimeline(events));

  it.each([1, 7, 100])('equal the end-of-match figures after the last round (batches of %i)', (batchSize) => {
    // Prepare
    const live = new LiveMatchStats(createLiveStatsState());

    // Act
    const updates = feed(live, events, batchSize);

    // Assess
    const rounds = buildTimeline(events).rounds.length;
    expect(updates.at(-1)?.round).toBe(rounds);
    expect(updates.at(-1)?.players).toEqual(final);
    expect(live.totals()).toEqual(final);
    expect(new Set(updates.map((update) => update.round)).size).toBe(rounds);
  });

  it('resume from a JSON snapshot taken between any two batches', () => {
    // Prepare: one worker runs to the middle, a fresh one resumes from its saved state.
    const middle = Math.floor(events.length / 2);
    const first = new LiveMatchStats(createLiveStatsState());
    feed(first, events.slice(0, middle), 50);

    // Act
    const resumed = new LiveMatchStats(JSON.parse(JSON.stringify(first.state)));
    const updates = feed(resumed, events.slice(middle), 50);

    // Assess
    expect(updates.at(-1)?.players).toEqual(final);
  });
});

describe('live statistics of scripted rounds', () => {
  it('report a round when it is won and again when a post-round kill changes it', () => {
    // Prepare
    const server = new ScriptedServer();
    server.loadMap();
    server.send({ type: 'match_start' });
    const live = new LiveMatchStats(createLiveStatsState());
    const take = () => {
      for (const step of server.steps.splice(0)) live.add(step.enriched);
      return live.takeUpdates();
    };
    take();

    // Act
    server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });
    server.kill(a1, b1);
    const beforeEnd = take();
    server.score.alpha += 1;
    server.send({ type: 'round_end', winner: 'CT', reason: 'ct_win', ...server.scoreBySide() });
    const atEnd = take();
    server.kill(a2, b2);
    const afterPostRoundKill = take();

    // Assess
    expect(beforeEnd).toEqual([]);
    expect(atEnd.map(({ round, kills }) => ({ round, kills }))).toEqual([{ round: 1, kills: 1 }]);
    expect(afterPostRoundKill.map(({ round, kills }) => ({ round, kills }))).toEqual([
      { round: 1, kills: 2 },
    ]);
    const a2Line = afterPostRoundKill[0]?.players.find((player) => player.steamId === a2);
    expect(a2Line?.kills).toBe(1);
    expect(afterPostRoundKill[0]?.roundPlayers.find((player) => player.steamId === a2)?.kills).toBe(1);
  });

  it('drop the rounds a backup restore voids and count their replays instead', () => {
    // Prepare: three rounds, then the server loads the backup of round 1 and replays rounds 2-3.
    const server = new ScriptedServer();
    server.loadMap();
    server.send({ type: 'match_start' });
    server.playRound({ winner: 'alpha', kills: [[a1, b1]] });
    server.playRound({ winner: 'alpha', kills: [[a1, b1]] });
    server.playRound({ winner: 'bravo', kills: [[b1, a1]] });
    const live = new LiveMatchStats(createLiveStatsState());
    for (const step of server.steps) live.add(step.enriched);
    const beforeRestore = live.takeUpdates();
    const restoredFrom = server.steps.length;

    // Act
    server.send({ type: 'backup_restore', round: 1 });
    server.setScore({ alpha: 1, bravo: 0 });
    for (const steamId of ROSTERS.alpha)
      server.send({ type: 'player_death', victim: steamId, weapon: 'world' });
    const voided = (() => {
      for (const step of server.steps.slice(restoredFrom)) live.add(step.enriched);
      return live.takeUpdates();
    })();
    const replayedFrom = server.steps.length;
    server.playRound({ winner: 'bravo', kills: [[b2, a2]] });
    server.playRound({ winner: 'bravo', kills: [[b2, a2]] });
    for (const step of server.steps.slice(replayedFrom)) live.add(step.enriched);
    const replayed = live.takeUpdates();

    // Assess
    expect(beforeRestore.map((update) => update.round)).toEqual([1, 2, 3]);
    expect(voided).toHaveLength(1);
    expect(voided[0]).toMatchObject({ round: 1, voidedFrom: 2, roundPlayers: [] });
    expect(voided[0]?.players.find((player) => player.steamId === a1)?.kills).toBe(1);
    expect(replayed.map((update) => update.round)).toEqual([2, 3]);
    const final = computeMatchStats(buildTimeline(server.enriched()));
    expect(replayed.at(-1)?.players).toEqual(final);
    expect(final.find((player) => player.steamId === a1)).toMatchObject({ kills: 1, deaths: 0 });
    expect(final.find((player) => player.steamId === b2)).toMatchObject({ kills: 2, roundsPlayed: 3 });
  });

  it("report the last figures of a match when the server's next match begins", () => {
    // Prepare: a round in play when the map changes (the match is abandoned).
    const server = new ScriptedServer();
    server.loadMap();
    server.send({ type: 'match_start' });
    server.playRound({ winner: 'alpha', kills: [[a1, b1]] });
    server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });
    server.kill(b1, a1);
    const live = new LiveMatchStats(createLiveStatsState());
    for (const step of server.steps) live.add(step.enriched);
    const firstMatch = server.steps[0]!.enriched.enrichment.matchId;
    const beforeChange = live.takeUpdates();
    const changeFrom = server.steps.length;

    // Act
    server.send({ type: 'map_start', map: 'de_inferno' });
    for (const step of server.steps.slice(changeFrom)) live.add(step.enriched);
    const afterChange = live.takeUpdates();

    // Assess
    expect(beforeChange.map((update) => update.round)).toEqual([1]);
    expect(afterChange.map(({ matchId, round }) => ({ matchId, round }))).toEqual([
      { matchId: firstMatch, round: 2 },
    ]);
    const abandoned = computeMatchStats(buildTimeline(server.enriched(), { matchId: firstMatch! }));
    expect(afterChange[0]?.players).toEqual(abandoned);
    expect(live.state.matchId).not.toBe(firstMatch);
    expect(live.state.rounds).toEqual([]);
  });
});
