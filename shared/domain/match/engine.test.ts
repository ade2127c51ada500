import { describe, expect, it } from 'vitest';
import { computeMatchStats } from '../stats/match-stats.ts';
import { applyEvent } from './engine.ts';
import { createServerState } from './engine-state.ts';
import { killsBy, ROSTERS, ScriptedServer } from './test-helpers.ts';
import { buildTimeline } from './timeline.ts';

const [a1 = '', a2 = '', a3 = ''] = ROSTERS.alpha;
const [b1 = '', b2 = '', b3 = ''] = ROSTERS.bravo;

/** A server on de_mirage with both teams connected and live. */
function liveServer(): ScriptedServer {
  const server = new ScriptedServer();
  server.loadMap();
  server.send({ type: 'match_start' });
  return server;
}

describe('applyEvent: match lifecycle', () => {
  it('opens a match on map_start with a deterministic id and keeps pre-match events out of rounds', async () => {
    // Prepare
    const server = new ScriptedServer();

    // Act
    server.loadMap('de_nuke');
    const started = server.effectsOf('match_started');

    // Assess
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({
      serverId: 'srv-1',
      map: 'de_nuke',
      startedAt: server.steps[0]?.enriched.event.ts,
    });
    expect(started[0]?.matchId).toMatch(/^m_[0-9a-f]{16}$/);
    expect(
      server.enriched().every((event) => event.enrichment.excluded && event.enrichment.roundNumber === 0),
    ).toBe(true);
    expect(server.effectsOf('player_seen').map((seen) => seen.steamId)).toEqual([
      ...ROSTERS.alpha,
      ...ROSTERS.bravo,
    ]);
  });

  it('leaves events before any match without a match id', async () => {
    // Prepare
    const state = createServerState('srv-1');

    // Act
    const step = applyEvent(state, {
      key: { server: 'srv-1', session: 's', seq: 1, index: 0 },
      event: { type: 'player_connect', ts: 1, steamId: a1, name: 'early' },
    });

    // Assess
    expect(step.enriched.enrichment).toMatchObject({ matchId: null, excluded: true, roundNumber: 0 });
    expect(state.match).toBeNull();
  });

  it('keeps unknown event types, flagged', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha' });

    // Act
    const step = server.send({ type: 'grenade_bounce', unknown: true, steamId: a1 });

    // Assess
    expect(step.enriched.enrichment).toMatchObject({
      unknownType: true,
      roundNumber: 1,
      matchId: server.state.match?.id,
    });
  });

  it('numbers rounds from 1, files post-round kills under the round that was won', async () => {
    // Prepare
    const server = liveServer();

    // Act
    const round1 = server.playRound({
      winner: 'alpha',
      kills: killsBy('alpha', 2),
      postRoundKills: [[a3, b3]],
    });
    const round2 = server.playRound({ winner: 'bravo' });

    // Assess
    const postRound = round1.filter((step) => step.enriched.enrichment.isPostRound);
    expect(postRound.map((step) => step.enriched.event.type)).toEqual([
      'round_end',
      'player_hurt',
      'player_death',
    ]);
    expect(postRound.every((step) => step.enriched.enrichment.roundNumber === 1)).toBe(true);
    expect(round1.map((step) => step.enriched.enrichment.roundNumber)).toEqual(round1.map(() => 1));
    expect(round2[0]?.enriched.enrichment).toMatchObject({
      roundNumber: 2,
      phase: 'live',
      isPostRound: false,
    });
    const timeline = buildTimeline(server.enriched());
    expect(
      timeline.rounds.map((round) => round.events.filter((e) => e.event.type === 'player_death').length),
    ).toEqual([3, 0]);
    expect(
      server.effectsOf('round_ended').map((ended) => [ended.roundNumber, ended.winnerTeam, ended.score]),
    ).toEqual([
      [1, 'Alpha', { Alpha: 1, Bravo: 0 }],
      [2, 'Bravo', { Alpha: 1, Bravo: 1 }],
    ]);
  });

  it('sets opening, trade and clutch flags on kills', async () => {
    // Prepare
    const server = liveServer();
    server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });

    // Act
    const opening = server.kill(a1, b1);
    const trade = server.kill(b2, a1);

    // Assess
    expect(opening.enriched.enrichment.kill).toMatchObject({
      openingKill: true,
      openingDeath: true,
      tradeKill: false,
    });
    expect(trade.enriched.enrichment.kill).toMatchObject({
      openingKill: false,
      tradeKill: true,
      traded: [b1],
    });
  });

  it('starts a new match on a map change and abandons the unfinished one', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha' });
    const firstId = server.state.match?.id;

    // Act
    server.send({ type: 'map_start', map: 'de_inferno' });
    server.send({ type: 'round_start' });

    // Assess
    expect(server.effectsOf('match_ended')).toEqual([
      expect.objectContaining({ matchId: firstId, status: 'abandoned', score: { Alpha: 1, Bravo: 0 } }),
    ]);
    const started = server.effectsOf('match_started');
    expect(started.map((effect) => effect.map)).toEqual(['de_mirage', 'de_inferno']);
    expect(started[1]?.matchId).not.toBe(firstId);
    expect(server.last().enriched.enrichment).toMatchObject({ matchId: started[1]?.matchId, roundNumber: 1 });
  });

  it('ends the match on match_end and opens the next one on match_start', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha' });

    // Act
    server.send({ type: 'match_end', ...server.scoreBySide() });
    const afterGame = server.kill(a1, b1);
    const ignored = server.send({ type: 'round_start' });
    server.send({ type: 'match_start' });

    // Assess
    expect(server.effectsOf('match_ended')).toEqual([
      expect.objectContaining({ status: 'finished', score: { Alpha: 1, Bravo: 0 } }),
    ]);
    expect(afterGame.enriched.enrichment).toMatchObject({ phase: 'game_over', excluded: true });
    expect(ignored.ignored).toMatch(/over/);
    expect(server.effectsOf('match_started')).toHaveLength(2);
    expect(server.state.match?.map).toBe('de_mirage');
  });

  it('starts a new match when the frames carry a new external match id', async () => {
    // Prepare
    const server = new ScriptedServer();
    server.externalMatchId = 'mz-100';
    server.matchTag = 'cup';
    server.loadMap();
    server.send({ type: 'match_start' });
    server.playRound({ winner: 'alpha' });

    // Act
    server.externalMatchId = 'mz-101';
    const step = server.send({ type: 'round_start' });

    // Assess
    const started = server.effectsOf('match_started');
    expect(started.map((effect) => [effect.externalId, effect.tag])).toEqual([
      ['mz-100', 'cup'],
      ['mz-101', 'cup'],
    ]);
    expect(step.enriched.enrichment).toMatchObject({
      matchId: started[1]?.matchId,
      matchTag: 'cup',
      roundNumber: 1,
    });
  });
});

describe('applyEvent: traps', () => {
  it('mp_restartgame: only what follows the last restart (game_commencing) is the match', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha', kills: killsBy('alpha', 3) });
    server.playRound({ winner: 'alpha' });

    // Act
    server.send({ type: 'game_restart' });
    server.send({ type: 'round_end', winner: 'CT', reason: 'game_commencing', scoreCT: 0, scoreT: 0 });
    server.send({ type: 'match_start' });
    server.setScore({ alpha: 0, bravo: 0 });
    const replayed = server.playRound({ winner: 'bravo', kills: killsBy('bravo', 1) });

    // Assess
    expect(server.effectsOf('rounds_voided')).toEqual([
      expect.objectContaining({ fromRound: 1, reason: 'restart', score: { Alpha: 0, Bravo: 0 } }),
    ]);
    expect(replayed[0]?.enriched.enrichment.roundNumber).toBe(1);
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds.map((round) => [round.number, round.winnerTeam])).toEqual([[1, 'Bravo']]);
    expect(timeline.teams.map((team) => team.score)).toEqual([0, 1]);
    const stats = computeMatchStats(timeline);
    expect(stats.find((player) => player.steamId === a1)?.kills).toBe(0);
    expect(stats.find((player) => player.steamId === b1)?.kills).toBe(1);
  });

  it('warmup kills never count', async () => {
    // Prepare
    const server = new ScriptedServer();
    server.loadMap();

    // Act
    server.send({ type: 'warmup_start' });
    const warmupKill = server.kill(a1, b1);
    server.send({ type: 'warmup_end' });
    server.send({ type: 'match_start' });
    server.playRound({ winner: 'alpha' });

    // Assess
    expect(warmupKill.enriched.enrichment).toMatchObject({ phase: 'warmup', excluded: true, roundNumber: 0 });
    expect(warmupKill.enriched.enrichment.kill).toBeUndefined();
    const stats = computeMatchStats(buildTimeline(server.enriched()));
    expect(stats.find((player) => player.steamId === a1)?.kills).toBe(0);
  });

  it('a first round played with knives only is a knife round: not counted, the next round is round 1', async () => {
    // Prepare
    const server = liveServer();

    // Act
    const knife = server.playRound({ winner: 'alpha', kills: killsBy('alpha', 5), weapon: 'knife_karambit' });
    server.switchSides();
    server.send({ type: 'match_start' });
    server.setScore({ alpha: 0, bravo: 0 });
    const first = server.playRound({ winner: 'bravo', kills: killsBy('bravo', 2) });

    // Assess
    const knifeEnd = knife.find((step) => step.enriched.event.type === 'round_end');
    expect(knifeEnd?.enriched.enrichment).toMatchObject({
      phase: 'knife',
      excluded: true,
      voidsRoundsFrom: 1,
    });
    expect(server.effectsOf('rounds_voided')[0]).toMatchObject({ fromRound: 1, reason: 'knife_round' });
    expect(first[0]?.enriched.enrichment.roundNumber).toBe(1);
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds).toHaveLength(1);
    // Alpha took CT in the knife round but starts the match on T: the teams follow round 1.
    expect(timeline.teams).toEqual([
      { name: 'Bravo', startSide: 'CT', score: 1 },
      { name: 'Alpha', startSide: 'T', score: 0 },
    ]);
    const stats = computeMatchStats(timeline);
    expect(stats.find((player) => player.steamId === a1)).toMatchObject({ kills: 0, deaths: 1 });
  });

  it('an announced knife round (round_start knife: true) is excluded from the start', async () => {
    // Prepare
    const server = liveServer();

    // Act
    server.send({ type: 'round_start', knife: true } as never);
    const knifeKill = server.kill(a1, b1, 'knife');
    server.send({ type: 'round_end', winner: 'CT', reason: 'ct_win', scoreCT: 1, scoreT: 0 });
    server.send({ type: 'game_restart' });
    const round1 = server.playRound({ winner: 'alpha' });

    // Assess
    expect(knifeKill.enriched.enrichment).toMatchObject({ phase: 'knife', excluded: true, roundNumber: 0 });
    expect(round1[0]?.enriched.enrichment.roundNumber).toBe(1);
    expect(server.effectsOf('rounds_voided')).toEqual([]);
  });

  it('pauses of every kind, also in freeze time, keep the round and resume the phase', async () => {
    // Prepare
    const server = liveServer();
    server.send({ type: 'round_start' });

    // Act
    const tactical = server.send({ type: 'pause', kind: 'tactical', side: 'T' });
    const during = server.send({ type: 'chat', steamId: a1, text: 'gg' });
    const twice = server.send({ type: 'pause', kind: 'technical' });
    const unpaused = server.send({ type: 'unpause' });
    const again = server.send({ type: 'unpause' });
    server.send({ type: 'round_freeze_end' });
    server.send({ type: 'pause', kind: 'admin' });
    const wonWhilePaused = server.send({
      type: 'round_end',
      winner: 'CT',
      reason: 'ct_win',
      scoreCT: 1,
      scoreT: 0,
    });
    const resumed = server.send({ type: 'unpause' });

    // Assess
    expect(tactical.enriched.enrichment.phase).toBe('paused');
    expect(during.enriched.enrichment).toMatchObject({ phase: 'paused', roundNumber: 1, excluded: false });
    expect(twice.ignored).toMatch(/already paused/);
    expect(unpaused.enriched.enrichment.phase).toBe('live');
    expect(again.ignored).toMatch(/not paused/);
    expect(wonWhilePaused.enriched.enrichment).toMatchObject({ phase: 'paused', isPostRound: true });
    expect(wonWhilePaused.enriched.enrichment.roundEnd).toMatchObject({ number: 1, winnerTeam: 'Alpha' });
    expect(resumed.enriched.enrichment.phase).toBe('round_end');
  });

  it('backup restore: later rounds are voided, the score rolls back, respawn deaths and the second round_start are ignored', async () => {
    // Prepare
    const server = liveServer();
    for (let round = 1; round <= 5; round++)
      server.playRound({ winner: 'alpha', kills: killsBy('alpha', 2) });
    server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });
    server.kill(a1, b1);

    // Act: load backup_round03 (3 rounds played), the game respawns everyone and fires round_start twice.
    const restore = server.send({ type: 'backup_restore', round: 3 });
    server.setScore({ alpha: 3, bravo: 0 });
    const draw = server.send({ type: 'round_end', winner: 'T', reason: 'draw', ...server.scoreBySide() });
    const respawns = ROSTERS.alpha.map((steamId) =>
      server.send({ type: 'player_death', victim: steamId, weapon: 'world' }),
    );
    const firstStart = server.send({ type: 'round_start' });
    const suicide = server.send({ type: 'player_death', attacker: b2, victim: b2, weapon: 'world' });
    const secondStart = server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });
    server.kill(b1, a1);
    server.setScore({ alpha: 3, bravo: 1 });
    server.send({ type: 'round_end', winner: 'T', reason: 't_win', ...server.scoreBySide() });
    server.send({ type: 'round_officially_ended' });
    server.playRound({ winner: 'bravo', kills: [[b2, a2]] });

    // Assess
    expect(restore.enriched.enrichment.voidsRoundsFrom).toBe(4);
    expect(server.effectsOf('rounds_voided')).toEqual([
      expect.objectContaining({ fromRound: 4, reason: 'backup_restore', score: { Alpha: 3, Bravo: 0 } }),
    ]);
    expect(draw.ignored).toBeDefined();
    expect(respawns.every((step) => step.enriched.enrichment.excluded)).toBe(true);
    expect(firstStart.enriched.enrichment.roundStart?.number).toBe(4);
    expect(suicide.enriched.enrichment.excluded).toBe(true);
    expect(secondStart.ignored).toMatch(/already started/);
    expect(server.effectsOf('round_started').map((effect) => effect.roundNumber)).toEqual([
      1, 2, 3, 4, 5, 6, 4, 5,
    ]);
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds.map((round) => round.winnerTeam)).toEqual([
      'Alpha',
      'Alpha',
      'Alpha',
      'Bravo',
      'Bravo',
    ]);
    expect(timeline.teams.map((team) => team.score)).toEqual([3, 2]);
    const stats = computeMatchStats(timeline);
    // a1 killed b1 in rounds 1-3 only (4-6 were voided); nobody got a suicide from the restore.
    expect(stats.find((player) => player.steamId === a1)).toMatchObject({ kills: 3, deaths: 1, suicides: 0 });
    expect(stats.find((player) => player.steamId === b2)).toMatchObject({ kills: 1, deaths: 3, suicides: 0 });
  });

  it('a restore the stream did not announce shows as a lower score (a draw) and rolls back', async () => {
    // Prepare
    const server = liveServer();
    for (let round = 1; round <= 4; round++) server.playRound({ winner: 'alpha' });
    server.send({ type: 'round_start' });

    // Act
    server.setScore({ alpha: 2, bravo: 0 });
    const draw = server.send({ type: 'round_end', winner: 'T', reason: 'draw', ...server.scoreBySide() });
    const replay = server.playRound({ winner: 'bravo' });

    // Assess
    expect(draw.enriched.enrichment).toMatchObject({ voidsRoundsFrom: 3, excluded: true });
    expect(server.effectsOf('rounds_voided')[0]).toMatchObject({
      reason: 'score_rollback',
      score: { Alpha: 2, Bravo: 0 },
    });
    expect(replay[0]?.enriched.enrichment.roundStart?.number).toBe(3);
    expect(buildTimeline(server.enriched()).rounds.map((round) => round.winnerTeam)).toEqual([
      'Alpha',
      'Alpha',
      'Bravo',
    ]);
  });

  it('a round_start in the middle of a played round replays that round', async () => {
    // Prepare
    const server = liveServer();
    server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });
    server.kill(a1, b1);

    // Act
    const restart = server.send({ type: 'round_start' });
    server.send({ type: 'round_freeze_end' });
    server.kill(b1, a1);
    server.send({ type: 'round_end', winner: 'T', reason: 't_win', scoreCT: 0, scoreT: 1 });

    // Assess
    expect(restart.enriched.enrichment).toMatchObject({ voidsRoundsFrom: 1, roundNumber: 1 });
    const stats = computeMatchStats(buildTimeline(server.enriched()));
    expect(stats.find((player) => player.steamId === a1)).toMatchObject({ kills: 0, deaths: 1 });
  });

  it('halftime: sides swap, scores follow teams, not sides', async () => {
    // Prepare
    const server = liveServer();
    for (let round = 1; round <= 12; round++) server.playRound({ winner: round <= 9 ? 'alpha' : 'bravo' });

    // Act
    const phaseAtBreak = server.last().enriched.enrichment.phase;
    server.send({ type: 'halftime' });
    server.switchSides();
    const round13 = server.playRound({ winner: 'alpha' });

    // Assess
    expect(phaseAtBreak).toBe('halftime');
    const round13End = round13.find((step) => step.enriched.event.type === 'round_end');
    expect(round13End?.enriched.event).toMatchObject({ winner: 'T', scoreCT: 3, scoreT: 10 });
    expect(round13End?.enriched.enrichment.roundEnd).toMatchObject({
      winnerSide: 'T',
      winnerTeam: 'Alpha',
      scoreAfter: { Alpha: 10, Bravo: 3 },
    });
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds[12]?.teams).toEqual({ CT: 'Bravo', T: 'Alpha' });
    expect(timeline.players.find((player) => player.steamId === a1)?.team).toBe('Alpha');
  });

  it('overtime: MR3 halves, sides swap after 3 rounds and not at the start of an overtime; winners stay right', async () => {
    // Prepare
    const server = liveServer();
    for (let round = 1; round <= 12; round++)
      server.playRound({ winner: round % 2 === 0 ? 'alpha' : 'bravo' });
    server.switchSides();
    for (let round = 13; round <= 24; round++)
      server.playRound({ winner: round % 2 === 0 ? 'alpha' : 'bravo' });
    const phaseAfter24 = server.last().enriched.enrichment.phase;

    // Act: OT1 ends 3-3, OT2 goes to Alpha 4-1.
    const winners = [
      'alpha',
      'alpha',
      'bravo',
      'bravo',
      'bravo',
      'alpha',
      'alpha',
      'bravo',
      'alpha',
      'alpha',
      'alpha',
    ] as const;
    const sidesPlayed: string[] = [];
    for (const [index, winner] of winners.entries()) {
      const number = 25 + index;
      if (number === 28 || number === 34) server.switchSides();
      sidesPlayed.push(server.sides.alpha);
      server.playRound({ winner });
    }
    server.send({ type: 'match_end', ...server.scoreBySide() });

    // Assess
    expect(phaseAfter24).toBe('overtime');
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds).toHaveLength(35);
    expect(timeline.rounds.slice(24).map((round) => round.winnerTeam)).toEqual(
      winners.map((winner) => (winner === 'alpha' ? 'Alpha' : 'Bravo')),
    );
    expect(timeline.rounds.slice(24).map((round) => (round.teams.CT === 'Alpha' ? 'CT' : 'T'))).toEqual(
      sidesPlayed,
    );
    expect(timeline.teams).toEqual([
      { name: 'Alpha', startSide: 'CT', score: 19 },
      { name: 'Bravo', startSide: 'T', score: 16 },
    ]);
    expect(timeline.status).toBe('finished');
    expect(server.effectsOf('match_ended')[0]?.score).toEqual({ Alpha: 19, Bravo: 16 });
  });

  it('with no player sides and no team names, the swap schedule and the reported score keep the teams', async () => {
    // Prepare: a bare feed (round events only), the engine must follow teams across halftime and overtime.
    const server = new ScriptedServer();
    server.send({ type: 'map_start', map: 'de_dust2' });
    server.send({ type: 'match_start' });
    const winners = [
      ...Array(12).fill('alpha'),
      ...Array(12).fill('bravo'),
      'alpha',
      'alpha',
      'alpha',
      'bravo',
    ];

    // Act
    for (const [index, winner] of winners.entries()) {
      const number = index + 1;
      if (number === 13 || number === 28)
        server.sides = { alpha: server.sides.bravo, bravo: server.sides.alpha };
      server.playRound({ winner });
    }

    // Assess
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds.map((round) => round.winnerTeam)).toEqual(
      winners.map((winner) => (winner === 'alpha' ? 'Team A' : 'Team B')),
    );
    expect(timeline.teams.map((team) => team.score)).toEqual([15, 13]);
  });

  it('a player who reconnects keeps the same line, keyed by SteamID64', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha', kills: [[a1, b1]] });

    // Act
    server.send({ type: 'player_disconnect', steamId: a1, reason: 'timed out' });
    server.playRound({ winner: 'bravo', kills: [[b1, a2]] });
    server.send({ type: 'player_connect', steamId: a1, name: 'Alpha1-renamed' });
    server.send({ type: 'player_team', steamId: a1, side: 'CT' });
    server.playRound({ winner: 'alpha', kills: [[a1, b2]] });

    // Assess
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds[1]?.sides[a1]).toBeUndefined();
    const stats = computeMatchStats(timeline).filter((player) => player.steamId === a1);
    expect(stats).toEqual([
      expect.objectContaining({ name: 'Alpha1-renamed', team: 'Alpha', kills: 2, roundsPlayed: 2 }),
    ]);
  });

  it('a new plugin session continues the match; its re-announced map_start and match_start change nothing', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha' });
    server.playRound({ winner: 'alpha' });
    const matchId = server.state.match?.id;

    // Act
    server.session = 'session-2';
    server.seq = 0;
    const mapStart = server.send({ type: 'map_start', map: 'de_mirage' });
    const matchStart = server.send({ type: 'match_start' });
    const round3 = server.playRound({ winner: 'bravo' });

    // Assess
    expect(mapStart.ignored).toMatch(/plugin restarted/);
    expect(matchStart.ignored).toMatch(/plugin restarted/);
    expect(round3[0]?.enriched.enrichment).toMatchObject({ matchId, roundNumber: 3 });
    expect(server.effectsOf('match_started')).toHaveLength(1);
    expect(server.effectsOf('rounds_voided')).toEqual([]);
  });

  it('a restart in a new session is still a restart once play resumed', async () => {
    // Prepare
    const server = liveServer();
    server.playRound({ winner: 'alpha' });
    server.session = 'session-2';
    server.playRound({ winner: 'alpha' });

    // Act
    server.send({ type: 'match_start' });

    // Assess
    expect(server.effectsOf('rounds_voided')).toEqual([
      expect.objectContaining({ fromRound: 1, reason: 'restart' }),
    ]);
  });

  it('team names that arrive late rename the teams that were playing', async () => {
    // Prepare
    const server = new ScriptedServer();
    server.send({ type: 'map_start', map: 'de_anubis' });
    for (const steamId of ROSTERS.alpha) server.send({ type: 'player_team', steamId, side: 'CT' });
    for (const steamId of ROSTERS.bravo) server.send({ type: 'player_team', steamId, side: 'T' });
    server.send({ type: 'team_names', ct: 'CT', t: 'TERRORIST' });
    server.send({ type: 'match_start' });
    server.playRound({ winner: 'bravo' });

    // Act
    server.send({ type: 'team_names', ct: 'Alpha', t: 'Bravo' });
    server.playRound({ winner: 'bravo' });

    // Assess
    const renamed = server.effectsOf('teams_changed').at(-1);
    expect(renamed?.teams.map((team) => [team.name, team.startSide, team.score])).toEqual([
      ['Alpha', 'CT', 0],
      ['Bravo', 'T', 1],
    ]);
    const timeline = buildTimeline(server.enriched());
    expect(timeline.rounds.map((round) => round.winnerTeam)).toEqual(['Bravo', 'Bravo']);
  });
});
