import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { planLogBodies } from './log-bodies.ts';
import { LogReplayAuthError, LogReplayError, replayLog } from './log-replay.ts';

const LOG_PATH = new URL(
  '../../../../shared/fixtures/cs2-logs/0f870999-5f60-4259-7837-08de566fc039.log',
  import.meta.url,
).pathname;
const LOG = await readFile(LOG_PATH);

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A fetch that answers from a script (status per call) and records the requests. */
function scriptedFetch(statuses: (number | 'reset')[] = []) {
  const sent: Sent[] = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
      body: Buffer.from(init?.body as Uint8Array),
    });
    const status = statuses.shift() ?? 200;
    if (status === 'reset') throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    return new Response(JSON.stringify({ status: 'accepted', events: 2 }), { status });
  }) as typeof fetch;
  return { sent, fake };
}

const noSleep = async () => {};

describe('planLogBodies', () => {
  it('covers every byte of the log once, in order, in bodies of whole lines', async () => {
    // Act
    const bodies = planLogBodies(LOG, { maxBytes: 4_096, maxLines: 32 });

    // Assess
    expect(bodies[0]?.begin).toBe(0);
    expect(bodies.at(-1)?.end).toBe(LOG.length);
    for (const [index, body] of bodies.entries()) {
      if (index > 0) expect(body.begin).toBe(bodies[index - 1]?.end);
      expect(LOG[body.end - 1]).toBe(0x0a);
      expect(body.lines).toBeLessThanOrEqual(32);
    }
    expect(bodies.reduce((sum, body) => sum + body.lines, 0)).toBe(
      LOG.toString('utf8').split('\n').length - 1,
    );
  });

  it('keeps the lines of one body to one timestamp, so pacing can send each at its time', async () => {
    // Act
    const bodies = planLogBodies(LOG, { maxBytes: 1 << 20, maxLines: 1_000 });

    // Assess
    for (const body of bodies) {
      const stamps = new Set(
        LOG.subarray(body.begin, body.end)
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.slice(0, 23)),
      );
      expect(stamps.size).toBe(1);
    }
  });
});

describe('replayLog', () => {
  it('POSTs every body with the CS2 headers to /v1/logs/<server>/<token>', async () => {
    // Prepare
    const { sent, fake } = scriptedFetch();

    // Act
    const result = await replayLog(LOG, {
      url: 'http://localhost:8080/',
      serverId: 'srv_0123456789ab',
      token: 'srv_0123456789ab.secret',
      speed: 'max',
      instance: 'boot-1',
      fetch: fake,
    });

    // Assess
    expect(Buffer.concat(sent.map((request) => request.body)).equals(LOG)).toBe(true);
    expect(sent[0]?.url).toBe('http://localhost:8080/v1/logs/srv_0123456789ab/srv_0123456789ab.secret');
    expect(sent[1]?.headers).toMatchObject({
      'X-Server-Instance-Token': 'boot-1',
      'X-LogBytes-BeginOffset': String(sent[0]?.body.length),
      'X-LogBytes-EndOffset': String((sent[0]?.body.length ?? 0) + (sent[1]?.body.length ?? 0)),
    });
    expect(result).toMatchObject({
      bodies: sent.length,
      bytes: LOG.length,
      retries: 0,
      events: 2 * sent.length,
    });
  });

  it('sends the same body again after a 503 and after a connection reset', async () => {
    // Prepare
    const { sent, fake } = scriptedFetch([200, 503, 'reset', 200]);

    // Act
    const result = await replayLog(LOG.subarray(0, 20_000), {
      url: 'http://h',
      serverId: 's',
      token: 't',
      speed: 'max',
      fetch: fake,
      sleep: noSleep,
    });

    // Assess
    expect(result.retries).toBe(2);
    expect(sent[1]?.body.equals(sent[2]!.body)).toBe(true);
    expect(sent[2]?.body.equals(sent[3]!.body)).toBe(true);
    expect(sent[1]?.headers['X-LogBytes-BeginOffset']).toBe(sent[3]?.headers['X-LogBytes-BeginOffset']);
  });

  it('stops at a 401 without retrying', async () => {
    // Prepare
    const { sent, fake } = scriptedFetch([401]);

    // Act
    const replay = replayLog(LOG, {
      url: 'http://h',
      serverId: 's',
      token: 'bad',
      speed: 'max',
      fetch: fake,
    });

    // Assess
    await expect(replay).rejects.toBeInstanceOf(LogReplayAuthError);
    expect(sent).toHaveLength(1);
  });

  it('gives up on a body after the retry budget', async () => {
    // Prepare
    const { fake } = scriptedFetch([500, 500, 500]);

    // Act
    const replay = replayLog(LOG, {
      url: 'http://h',
      serverId: 's',
      token: 't',
      speed: 'max',
      fetch: fake,
      sleep: noSleep,
      maxAttempts: 3,
    });

    // Assess
    await expect(replay).rejects.toThrow(LogReplayError);
  });

  it('paces the bodies by the log times at --speed', async () => {
    // Prepare: a clock that only moves when the replay sleeps.
    const { fake } = scriptedFetch();
    let clock = 0;
    const waits: number[] = [];
    const log = Buffer.from(
      'L 01/19/2026 - 19:03:37: World triggered "Round_Start"\n' +
        'L 01/19/2026 - 19:03:47: World triggered "Round_End"\n' +
        'L 01/19/2026 - 19:04:07: World triggered "Round_Start"\n',
    );

    // Act
    await replayLog(log, {
      url: 'http://h',
      serverId: 's',
      token: 't',
      speed: 10,
      fetch: fake,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });

    // Assess: 10 s and 20 s more of log time at 10x.
    expect(waits).toEqual([1_000, 2_000]);
  });
});
