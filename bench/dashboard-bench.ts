/**
 * The dashboard's figures: its script and stylesheet as served (minified, then gzipped), and the
 * time from opening a finished 30-round match with positions at 8 Hz to its replay drawn, in
 * Debian's Chromium against `geqo up` (median of several cold page loads; each load fetches the
 * match, its rounds, its summary and round 1's events).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { planFrames } from '../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../cli/src/replay/plugin-client.ts';
import { bundleDashboard } from '../dashboard/scripts/bundle-dashboard.ts';
import { freePort, startRuntimeProcess } from '../local/src/process/runtime-process.ts';
import { type Figure, percentile } from './stats.ts';

const SCRIPT_TARGET_KIB = 100;
const REPLAY_VIEW_TARGET_MS = 2_000;
const LOADS = 5;

export async function runDashboardBench(options: {
  rounds?: number;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const { log } = options;
  const rounds = options.rounds ?? 30;
  const files = await bundleDashboard({ minify: true });
  const gzipped = (name: string) =>
    Math.round((gzipSync(files.get(name) ?? new Uint8Array()).byteLength / 1024) * 10) / 10;
  const figures: Figure[] = [
    {
      name: 'dashboard script (app.js), gzipped',
      value: gzipped('assets/app.js'),
      unit: 'KiB',
      target: { op: '<=', value: SCRIPT_TARGET_KIB },
    },
    { name: 'dashboard stylesheet (app.css), gzipped', value: gzipped('assets/app.css'), unit: 'KiB' },
  ];

  const dataDir = mkdtempSync(join(tmpdir(), 'geqo-dashboard-bench-'));
  // As root the server runs as user postgres, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  log(`dashboard: starting geqo up (embedded PostgreSQL in ${dataDir})`);
  const runtime = await startRuntimeProcess({
    dataDir,
    env: {
      DATABASE_URL: '',
      GEQO_PG_PORT: String(await freePort()),
      GEQO_MAX_FRAMES_PER_SECOND: '1000000',
    },
  });
  // Loaded here, not at the top: playwright-core is a dev dependency, and every `geqo` command
  // loads this module (an install without dev dependencies, as in the Dockerfile, must start).
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const base = `http://127.0.0.1:${runtime.httpPort}`;
    const created = await fetch(`${base}/v1/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-geqo-admin': '1' },
      body: JSON.stringify({ name: 'dashboard bench' }),
    });
    const { token, serverId } = (await created.json()) as { token: string; serverId: string };
    const events = generateSyntheticMatch({ rounds, seed: 5, startTs: Date.now() });
    log(
      `dashboard: storing a ${rounds}-round match with positions (${events.length.toLocaleString('en-US')} events)`,
    );
    await new PluginClient(planFrames(events, { server: serverId, session: 'dashboard-bench' }), {
      url: `ws://127.0.0.1:${runtime.ingestPort}/`,
      token,
    }).run();
    let matchId = '';
    const deadline = Date.now() + 120_000;
    while (!matchId && Date.now() < deadline) {
      const { matches } = (await (await fetch(`${base}/v1/matches?limit=10`)).json()) as {
        matches: { id: string; serverId: string; status: string }[];
      };
      matchId = matches.find((match) => match.serverId === serverId && match.status === 'finished')?.id ?? '';
      if (!matchId) await new Promise((wake) => setTimeout(wake, 200));
    }
    if (!matchId) throw new Error('dashboard bench: the match did not finish within 120 s');
    log(`dashboard: opening the match ${LOADS} times in Chromium`);
    const times: number[] = [];
    for (let load = 0; load < LOADS; load += 1) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${base}/#/matches/${matchId}`);
      await page.waitForFunction(
        () =>
          Number(document.querySelector('[data-testid="replay-canvas"]')?.getAttribute('data-players')) >= 10,
        undefined,
        { timeout: 30_000, polling: 'raf' },
      );
      times.push(performance.now() - started);
      await context.close();
    }
    figures.push(
      {
        name: `time to a replayable match view (${rounds} rounds, 8 Hz positions): p50`,
        value: Math.round(percentile(times, 50)),
        unit: 'ms',
        target: { op: '<=', value: REPLAY_VIEW_TARGET_MS },
      },
      { name: 'time to a replayable match view: max', value: Math.round(Math.max(...times)), unit: 'ms' },
    );
    return figures;
  } finally {
    await browser.close();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
