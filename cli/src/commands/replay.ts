import { readFileSync } from 'node:fs';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { SingleBar } from 'cli-progress';
import { Option } from 'commander';
import { fail } from '../cli-context.ts';
import { inputFileProblem } from '../input-file.ts';
import { answersAt, instanceOf } from '../instance-client.ts';
import { readAllEvents } from '../replay/read-events.ts';
import { replayEvents, serverIdOf } from '../replay/replay-run.ts';
import type { RegisterCommand } from './index.ts';
import { replayLogFile } from './replay-log.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

function parseSpeed(value: string): number | 'max' {
  if (value === 'max') return 'max';
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) fail(`--speed: "${value}" is not a positive number or "max"`);
  return speed;
}

const positiveCount = (option: string) => (value: string) => {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) fail(`${option}: "${value}" is not a positive whole number`);
  return count;
};

export const registerReplay: RegisterCommand = (program) => {
  program
    .command('replay')
    .description(
      'replay a recorded match into Geqo as a game-server plugin would (frames, LZ4, acks, reconnects); also the load generator',
    )
    .argument('[file]', 'recorded events (jsonl) or a CS2 server log (cs2-log); none with --synthetic')
    .option('--synthetic', 'replay a generated match instead of a file: 5 v 5, 8 Hz positions, starting now')
    .option(
      '--seed <n>',
      'with --synthetic: which match (the same seed gives the same match)',
      positiveCount('--seed'),
      1,
    )
    .option(
      '--rounds <n>',
      'with --synthetic: rounds played (default 24: MR12, 13-11)',
      positiveCount('--rounds'),
      24,
    )
    .addOption(new Option('--format <format>', 'file format').choices(['jsonl', 'cs2-log']).default('jsonl'))
    .option(
      '--url <url>',
      'jsonl: the plugin WebSocket endpoint (default ws://localhost:13880/); cs2-log: the HTTP API (GEQO_URL, default http://127.0.0.1:8080)',
    )
    .option('--token <token>', 'server token (repeat, one per connection)', collect, [])
    .option('--tokens-file <file>', 'file with one server token per line')
    .option('--speed <speed>', 'multiple of real time, or "max"', parseSpeed, 'max' as number | 'max')
    .option('--base64', 'send base64 text frames (as through API Gateway) instead of binary')
    .option('--connections <n>', 'replay N copies as N servers (needs N tokens)', (v) =>
      Number.parseInt(v, 10),
    )
    .option('--window <n>', 'unacked frames in flight per connection', (v) => Number.parseInt(v, 10), 64)
    .option('--session <id>', 'plugin session id (default: a new one; reuse one to resend a session)')
    .option('--tag <tag>', 'operator label stored on every event as match_tag')
    .option('--match <id>', 'external match id (MatchZy/get5)')
    .option('--server <id>', 'cs2-log: the server id in the log URL (default: the one the token names)')
    .option(
      '--instance <token>',
      'cs2-log: X-Server-Instance-Token (default: a new one; reuse one to resend a log)',
    )
    .option('--body-kb <n>', 'cs2-log: largest POST body in KiB', (v) => Number.parseInt(v, 10), 4)
    .option('--body-lines <n>', 'cs2-log: most lines per POST body', (v) => Number.parseInt(v, 10), 32)
    .option('--json', 'print the result as JSON')
    .option('--allow-rejects', 'exit 0 even when the server rejected frames (a refused token still fails)')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nExamples:\n  geqo replay match.jsonl --token <token> --speed 10\n' +
        '  geqo replay --synthetic --seed 7 --token <token> --speed 1   (a live match, radar moving)\n' +
        '  geqo replay server.log --format cs2-log --url http://localhost:8080 --token <token> --speed max\n\n' +
        'cs2-log POSTs the log to /v1/logs/<server>/<token> as logaddress_add_http does: bodies of whole\n' +
        'lines with the X-LogBytes offsets, paced by the log times (--speed) or at full speed; a body is\n' +
        'sent again after a 5xx or a connection error; a 401 stops the replay.\n\n' +
        'Exit code: 0 when every event was acknowledged; 1 when the token was refused or the replay\n' +
        'failed; 2 when the server rejected frames (0 with --allow-rejects).',
    )
    .action(async (file: string | undefined, flags) => {
      if ((file === undefined) === (flags.synthetic !== true))
        fail('give a file to replay, or --synthetic for a generated match (not both)');
      if (file !== undefined) {
        const input = await inputFileProblem(file, 'replay');
        if ('problem' in input) fail(input.problem);
      }
      const url: string =
        flags.url ?? (flags.format === 'cs2-log' ? instanceOf({}).url : 'ws://localhost:13880/');
      if (!(await answersAt(url)))
        fail(
          `nothing answers at ${url}: start an instance with \`geqo up\`, or pass --url (${
            flags.format === 'cs2-log'
              ? "the instance's HTTP API"
              : 'the plugin URL `geqo server add` printed'
          })`,
        );
      if (flags.format === 'cs2-log') {
        if (file === undefined) fail('--synthetic makes plugin events: leave out --format cs2-log');
        const token: string | undefined = flags.token[0];
        if (token === undefined)
          fail('give a server token: --token <token> (create one with `geqo server add <name>`)');
        await replayLogFile(file, {
          url,
          serverId: flags.server ?? serverIdOf(token),
          token,
          speed: flags.speed,
          instance: flags.instance,
          bodyKb: flags.bodyKb,
          bodyLines: flags.bodyLines,
          json: flags.json === true,
          progress: flags.progress !== false,
        });
        return;
      }
      const tokens: string[] = [...flags.token];
      if (flags.tokensFile) {
        const tokensFile = await inputFileProblem(flags.tokensFile, 'replay');
        if ('problem' in tokensFile) fail(`--tokens-file: ${tokensFile.problem}`);
        tokens.push(
          ...readFileSync(flags.tokensFile, 'utf8')
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
        );
      }
      if (tokens.length === 0)
        fail('give a server token: --token <token> (create one with `geqo server add <name>`)');
      const connections = flags.connections ?? tokens.length;
      if (tokens.length < connections)
        fail(`--connections ${connections} needs ${connections} tokens, got ${tokens.length}`);
      const events =
        file === undefined
          ? generateSyntheticMatch({ seed: flags.seed, rounds: flags.rounds, startTs: Date.now() })
          : await readAllEvents(file).catch((error: unknown) =>
              fail(error instanceof Error ? error.message : String(error)),
            );
      const total = events.length * connections;
      const showBar = flags.progress !== false && process.stderr.isTTY === true && !flags.json;
      const bar = new SingleBar({
        format:
          'replay [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {eta_formatted} left',
        stream: process.stderr,
        hideCursor: true,
      });
      let acked = 0;
      const started = Date.now();
      let lastLine = 0;
      if (showBar) bar.start(total, 0, { rate: 0 });
      const result = await replayEvents(events, {
        url,
        tokens: tokens.slice(0, connections),
        speed: flags.speed,
        base64: flags.base64 === true,
        window: flags.window,
        session: flags.session,
        tag: flags.tag,
        match: flags.match,
        onAck: (_connection, ack) => {
          acked += ack.events;
          const rate = Math.round(acked / Math.max(0.001, (Date.now() - started) / 1000));
          if (showBar) bar.update(acked, { rate });
          else if (!flags.json && Date.now() - lastLine > 5_000) {
            lastLine = Date.now();
            process.stderr.write(`replay: ${acked}/${total} events acked (${rate} events/s)\n`);
          }
        },
      });
      if (showBar) bar.stop();
      const summary = {
        connections: result.connections,
        frames: result.frames,
        events: result.events,
        ackedEvents: result.stats.reduce((sum, s) => sum + s.ackedEvents, 0),
        rejectedFrames: result.stats.reduce((sum, s) => sum + s.rejectedFrames, 0),
        reconnects: result.stats.reduce((sum, s) => sum + s.reconnects, 0),
        resentFrames: result.stats.reduce((sum, s) => sum + s.resentFrames, 0),
        seconds: result.elapsedMs / 1000,
        sessions: result.sessions,
        rejections: result.rejections.slice(0, 20),
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(
          `replayed ${summary.ackedEvents}/${summary.events} events in ${summary.frames} frames over ${summary.connections} connection(s) in ${summary.seconds.toFixed(1)} s; ${summary.reconnects} reconnects, ${summary.resentFrames} frames resent, ${summary.rejectedFrames} rejected\n`,
        );
        for (const r of summary.rejections)
          process.stdout.write(`  rejected seq ${r.seq ?? '?'}: ${r.code}: ${r.message}\n`);
      }
      // Scripts trust the exit code: a refused token, or a frame the server would not take, fails.
      if (result.rejections.some((r) => r.code === 'UNAUTHORIZED')) {
        process.stderr.write(
          'geqo: the server refused the token (401): check it, or create one with `geqo server add <name>`\n',
        );
        process.exitCode = 1;
      } else if (summary.ackedEvents < summary.events && summary.rejectedFrames === 0) process.exitCode = 1;
      else if (summary.rejectedFrames > 0 && flags.allowRejects !== true) process.exitCode = 2;
    });
};
