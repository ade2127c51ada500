/** The `cs2-log` form of `geqo replay`: reads the log, replays it over HTTP, reports. */
import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { fail } from '../cli-context.ts';
import { LogReplayAuthError, LogReplayError, replayLog } from '../replay/log-replay.ts';

export interface ReplayLogFlags {
  url: string;
  serverId: string;
  token: string;
  speed: number | 'max';
  instance?: string;
  bodyKb: number;
  bodyLines: number;
  json: boolean;
  progress: boolean;
}

export async function replayLogFile(file: string, flags: ReplayLogFlags): Promise<void> {
  if (!/^https?:\/\//.test(flags.url))
    fail(`--url: cs2-log is POSTed over HTTP; "${flags.url}" is not an http(s) URL`);
  if (flags.serverId === '') fail('--server: give the server id (the token does not name one)');
  if (!(flags.bodyKb >= 1) || !(flags.bodyLines >= 1)) fail('--body-kb and --body-lines must be at least 1');
  const log = await readFile(file).catch(() => fail(`cannot read ${file}`));
  const showBar = flags.progress && !flags.json && process.stderr.isTTY === true;
  const bar = new SingleBar({
    format: 'replay [{bar}] {percentage}% | {value}/{total} bytes | {bodies} bodies | {eta_formatted} left',
    stream: process.stderr,
    hideCursor: true,
  });
  if (showBar) bar.start(log.length, 0, { bodies: 0 });
  let lastLine = 0;
  try {
    const result = await replayLog(log, {
      url: flags.url,
      serverId: flags.serverId,
      token: flags.token,
      speed: flags.speed,
      ...(flags.instance === undefined ? {} : { instance: flags.instance }),
      bodies: { maxBytes: flags.bodyKb * 1024, maxLines: flags.bodyLines },
      onBody: ({ bodies, bytes, totalBytes }) => {
        if (showBar) bar.update(bytes, { bodies });
        else if (!flags.json && Date.now() - lastLine > 5_000) {
          lastLine = Date.now();
          process.stderr.write(`replay: ${bytes}/${totalBytes} bytes in ${bodies} bodies\n`);
        }
      },
    });
    if (showBar) bar.stop();
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `replayed ${result.lines} lines (${result.bytes} bytes) in ${result.bodies} bodies in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.events} events; ${result.retries} resent, ${result.duplicates} already applied (instance ${result.instance})\n`,
      );
    }
  } catch (error) {
    if (showBar) bar.stop();
    if (error instanceof LogReplayAuthError || error instanceof LogReplayError) fail(error.message);
    throw error;
  }
}
