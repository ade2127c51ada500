/**
 * A server log as a real server leaves it when it is not shut down after its game over: the
 * competitive log of `fixtures/cs2-logs/`, then the next map loads, the server warms up, two
 * players join and the match starts, and the log ends in its first round, before any result.
 * Lines follow `reference/cs2-log-format.md` and the fixture's own spelling.
 */
import { readFile, writeFile } from 'node:fs/promises';

export const CS2_LOG_FIXTURE = new URL(
  '../../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log',
  import.meta.url,
).pathname;

const AFTER_GAME_OVER = [
  'Log file started (file "logs//0f870999-5f60-4259-7837-08de566fc039/2026_01_19_192000.log") (game "csgo") (version "10603")',
  'Loading map "de_inferno"',
  'World triggered "Warmup_Start"',
  'World triggered "Match_Start" on "de_inferno"',
  '"Alpha<2><[U:1:11111111]><>" connected, address "10.0.0.2:27005"',
  '"Alpha<2><[U:1:11111111]><>" entered the game',
  '"Alpha<2><[U:1:11111111]>" switched from team <Unassigned> to <CT>',
  '"Bravo<3><[U:1:22222222]><>" connected, address "10.0.0.3:27005"',
  '"Bravo<3><[U:1:22222222]><>" entered the game',
  '"Bravo<3><[U:1:22222222]>" switched from team <Unassigned> to <TERRORIST>',
  'World triggered "Warmup_End"',
  'Starting Freeze period',
  'World triggered "Match_Start" on "de_inferno"',
  'MatchStatus: Score: 0:0 on map "de_inferno" RoundsPlayed: 0',
  'World triggered "Round_Start"',
  '"Bravo<3><[U:1:22222222]><TERRORIST>" say "anyone?"',
  'Log file closed',
];

/** Writes the fixture log followed by a post-game warmup and a match that never finished a round. */
export async function writePostGameWarmupLog(path: string): Promise<void> {
  const fixture = await readFile(CS2_LOG_FIXTURE, 'utf8');
  const appended = AFTER_GAME_OVER.map((line, i) => {
    const seconds = String(i).padStart(2, '0');
    return `L 01/19/2026 - 19:20:${seconds}: ${line}`;
  });
  await writeFile(path, `${fixture.endsWith('\n') ? fixture : `${fixture}\n`}${appended.join('\n')}\n`);
}
