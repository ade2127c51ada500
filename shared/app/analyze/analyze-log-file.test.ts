/**
 * The done-when of `geqo analyze --format cs2-log` (issue 6) on the real competitive server log in
 * `fixtures/cs2-logs/`, against the facts a script extracted from its lines
 * (`expected-from-log-lines.json`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import expectedFile from '../../../../shared/fixtures/cs2-logs/expected-from-log-lines.json' with {
  type: 'json',
};
import { writePostGameWarmupLog } from '../../../test/helpers/post-game-warmup-log.ts';
import { accountIdToSteamId64 } from '../../domain/cs2-log/index.ts';
import { listMatches, pickMainMatch } from './analyze-events.ts';
import { analyzeCs2LogFile } from './analyze-log-file.ts';
import { checkServerRoundStats, logRoundFacts } from './log-cross-check.ts';

const NAME = '0f870999-5f60-4259-7837-08de566fc039.log';
const LOG = new URL(`../../../../shared/fixtures/cs2-logs/${NAME}`, import.meta.url).pathname;
const expected = expectedFile.files[NAME];

const REASONS: Record<string, string> = {
  SFUI_Notice_CTs_Win: 'ct_win',
  SFUI_Notice_Terrorists_Win: 't_win',
  SFUI_Notice_Bomb_Defused: 'bomb_defused',
  SFUI_Notice_Target_Bombed: 'target_bombed',
  SFUI_Notice_Target_Saved: 'target_saved',
};

const analyzed = analyzeCs2LogFile(LOG);

async function mainMatch() {
  const { matches } = await analyzed;
  const main = pickMainMatch(matches);
  if (main === undefined) throw new Error('no match in the log');
  return main;
}

const scratch = await mkdtemp(join(tmpdir(), 'geqo-analyze-log-'));
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe(`analyze --format cs2-log ${NAME}`, () => {
  it('reads every line: none unknown, none malformed', async () => {
    // Act
    const { parse } = await analyzed;

    // Assess
    expect(parse).toMatchObject({ unknown: 0, malformed: 0 });
    expect(parse.lines).toBeGreaterThan(5_000);
  });

  it('gives the map and the final score 2:13, and the match finished', async () => {
    // Act
    const { summary } = await mainMatch();

    // Assess
    expect(summary.map).toBe(expected.map);
    expect(summary.status).toBe('finished');
    expect(summary.teams.map((team) => team.score).sort((a, b) => a - b)).toEqual([2, 13]);
    expect(expected.game_over_line).toContain('score 2:13');
  });

  it('counts exactly the 15 live rounds: no warmup, no round before the restart', async () => {
    // Act
    const { summary } = await mainMatch();

    // Assess
    expect(summary.rounds).toHaveLength(expected.counted_rounds);
    expect(summary.rounds.map((round) => round.number)).toEqual(expected.rounds.map((round) => round.n));
  });

  it('gives every live round its winner side, reason and score after, as the result lines print them', async () => {
    // Act
    const facts = logRoundFacts((await mainMatch()).timeline);

    // Assess
    expect(
      facts.map(({ number, winnerSide, reason, scoreAfter }) => ({ number, winnerSide, reason, scoreAfter })),
    ).toEqual(
      expected.rounds.map((round) => ({
        number: round.n,
        winnerSide: round.winner_side === 'TERRORIST' ? 'T' : 'CT',
        reason: REASONS[round.reason],
        scoreAfter: round.score_after,
      })),
    );
  });

  it('gives every live round exactly the kill and headshot counts of its lines', async () => {
    // Act
    const facts = logRoundFacts((await mainMatch()).timeline);

    // Assess
    expect(facts.map(({ number, kills, headshots }) => ({ number, kills, headshots }))).toEqual(
      expected.rounds.map(({ n, kills, headshots }) => ({ number: n, kills, headshots })),
    );
    expect(facts.reduce((sum, round) => sum + round.kills, 0)).toBe(
      expected.total_player_kills_in_live_rounds,
    );
  });

  it("agrees, player by player, with the server's own last round_stats table on kills and deaths", async () => {
    // Prepare
    const table = expected.last_round_stats_before_game_over;
    const serverPlayers = Object.values(table.players).filter((player) => player.accountid !== 0);

    // Act
    const check = checkServerRoundStats((await mainMatch()).timeline);

    // Assess
    expect(check?.round).toBe(Number(table.round_number));
    expect(check?.agrees).toBe(true);
    expect(
      check?.players.map(({ steamId, kills, deaths }) => ({ steamId, kills, deaths })).sort(bySteamId),
    ).toEqual(
      serverPlayers
        .map((player) => ({
          steamId: accountIdToSteamId64(player.accountid),
          kills: player.kills,
          deaths: player.deaths,
        }))
        .sort(bySteamId),
    );
  });

  it('reports a table that disagrees, player by player', async () => {
    // Prepare: the log with one player's kills in the last table raised by one (accountid, team, money, kills, …).
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(LOG, 'utf8');
    const lastTable = text.lastIndexOf('"round_number" : "15"');
    const player = text.indexOf('"player_3" : "', lastTable);
    const lineEnd = text.indexOf('\n', player);
    const fields = text.slice(player, lineEnd).split(',');
    fields[3] = fields[3]!.replace(/\d+/, (kills) => String(Number(kills) + 1));
    const edited = join(scratch, 'edited.log');
    await writeFile(edited, text.slice(0, player) + fields.join(',') + text.slice(lineEnd));

    // Act
    const main = pickMainMatch((await analyzeCs2LogFile(edited)).matches);
    const check = main === undefined ? null : checkServerRoundStats(main.timeline);

    // Assess
    expect(check?.agrees).toBe(false);
    expect(check?.players.filter((entry) => !entry.agrees)).toEqual([
      expect.objectContaining({ steamId: accountIdToSteamId64(133954850), kills: 17, serverKills: 18 }),
    ]);
  });
});

describe('analyze a log that goes on after its game over', () => {
  it('summarizes the played match, not the warmup and the unfinished match after it, and lists all three', async () => {
    // Prepare
    const path = join(scratch, 'post-game-warmup.log');
    await writePostGameWarmupLog(path);

    // Act
    const { matches } = await analyzeCs2LogFile(path);
    const main = pickMainMatch(matches);

    // Assess
    expect(main?.summary).toMatchObject({ map: 'de_inferno', status: 'finished' });
    expect(main?.summary.rounds).toHaveLength(expected.counted_rounds);
    expect(listMatches(matches)).toEqual([
      expect.objectContaining({ index: 1, map: 'de_inferno', status: 'finished', rounds: 15 }),
      expect.objectContaining({ index: 2, map: 'de_inferno', status: 'abandoned', rounds: 0, teams: [] }),
      expect.objectContaining({ index: 3, map: 'de_inferno', status: 'live', rounds: 0 }),
    ]);
    expect(listMatches(matches)[0]?.matchId).toBe(main?.matchId);
  });

  it('summarizes the match with the most completed rounds when none finished', async () => {
    // Prepare: the log cut before the result of its last round (12:2, not decided), then the post-game lines.
    const { readFile } = await import('node:fs/promises');
    const full = join(scratch, 'post-game-warmup-full.log');
    await writePostGameWarmupLog(full);
    const text = await readFile(full, 'utf8');
    const lastResult = text.lastIndexOf('\n', text.indexOf('(CT "2") (T "13")')) + 1;
    const cut = join(scratch, 'no-game-over.log');
    await writeFile(cut, text.slice(0, lastResult) + text.slice(text.indexOf('L 01/19/2026 - 19:20:00')));

    // Act
    const { matches } = await analyzeCs2LogFile(cut);

    // Assess
    expect(listMatches(matches).map(({ status, rounds }) => ({ status, rounds }))).toEqual([
      { status: 'abandoned', rounds: 14 },
      { status: 'live', rounds: 0 },
    ]);
    expect(pickMainMatch(matches)?.matchId).toBe(matches[0]?.matchId);
  });
});

function bySteamId(a: { steamId: string }, b: { steamId: string }): number {
  return a.steamId.localeCompare(b.steamId);
}
