/**
 * The dashboard as a league operator sees it, in a real browser (Debian's Chromium through
 * playwright-core): `geqo up` as its own process on a fresh database, matches replayed by the
 * plugin client while the page is open, and assertions on what the page shows, never on its
 * internals. Screenshots: /tmp/geqo-dashboard.png (a live match with the radar) and
 * /tmp/geqo-dashboard-final.png (the finished fixture match).
 */
import { resolve } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import {
  freePort,
  type RuntimeProcess,
  startRuntimeProcess,
} from '../../local/src/process/runtime-process.ts';
import type { AnyEvent } from '../../shared/domain/events/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { sideColourPixels } from './side-colour-pixels.ts';

const NUKE = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let database: TestDatabase;
let runtime: RuntimeProcess;
let browser: Browser;
let dashboardUrl: string;

/** A game server registered over REST, as an operator does before a match. */
async function registerServer(name: string): Promise<{ serverId: string; token: string }> {
  const created = await fetch(`http://127.0.0.1:${runtime.httpPort}/v1/servers`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  return (await created.json()) as { serverId: string; token: string };
}

/** Starts replaying `events` as a plugin, paced to take about `seconds` (not awaited here). */
function replay(events: readonly AnyEvent[], server: { serverId: string; token: string }, seconds: number) {
  const frames = planFrames(events, { server: server.serverId, session: `browser-${server.serverId}` });
  const span = (events.at(-1)?.ts ?? 0) - (events[0]?.ts ?? 0);
  return new PluginClient(frames, {
    url: `ws://127.0.0.1:${runtime.ingestPort}/`,
    token: server.token,
    window: 32,
    speed: Math.max(1, span / (seconds * 1000)),
  }).run();
}

async function openDashboard(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1050 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(dashboardUrl);
  await page.locator('#connection[data-state="open"]').waitFor({ timeout: 15_000 });
  // Checked at the end of each test: the page ran without a script error.
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

beforeAll(async () => {
  database = await createTestDatabase('geqo_dashboard');
  // A fixed HTTP port: the reconnect test restarts the runtime on it.
  runtime = await startRuntimeProcess({ databaseUrl: database.url, httpPort: await freePort() });
  dashboardUrl = `http://127.0.0.1:${runtime.httpPort}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  const code = await runtime?.stop();
  await database?.drop();
  expect(code).toBe(0);
});

describe('the dashboard served by geqo up', () => {
  it('serves the page and its assets with their content types, and nothing outside them', async () => {
    // Act
    const [page, script, style, traversal, encodedTraversal] = await Promise.all(
      [
        '',
        'assets/app.js',
        'assets/app.css',
        'assets/..%2F..%2Fpackage.json',
        'assets/%2e%2e%2findex.html',
      ].map((path) => fetch(`${dashboardUrl}${path}`)),
    );

    // Assess
    expect(page!.status).toBe(200);
    expect(page!.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page!.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page!.text()).toContain('<script type="module" src="/assets/app.js">');
    expect(script!.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(style!.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(traversal!.status).toBe(404);
    expect(encodedTraversal!.status).toBe(404);
    const etag = script!.headers.get('etag');
    const again = await fetch(`${dashboardUrl}assets/app.js`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('shows a replayed match arriving live: the list, the teams, the final score 13–2 and the kill feed', async () => {
    // Prepare: the page is open before the match starts.
    const page = await openDashboard();
    await page.evaluate(() => {
      (window as Window & { sameDocument?: boolean }).sameDocument = true;
    });
    const server = await registerServer('browser nuke');
    const events = await readAllEvents(NUKE);

    // Act: the match is played (about 8 s); the operator opens it from the list while it runs.
    const replaying = replay(events, server, 8);
    const item = page.locator('.match-item').first();
    await item.waitFor({ timeout: 20_000 });
    await item.locator('a').click();
    const stats = await replaying;

    // Assess: everything below came over the socket; the page was never reloaded.
    expect(stats.rejectedFrames).toBe(0);
    const score = page.getByTestId('score');
    await expect.poll(() => score.textContent(), { timeout: 20_000 }).toBe('13–2');
    expect(await page.getByTestId('team-0').textContent()).toBe('Team Vitality');
    expect(await page.getByTestId('team-1').textContent()).toBe('FURIA');
    expect(await page.getByTestId('map').textContent()).toBe('Nuke');
    await expect.poll(() => page.locator('.match-item').first().getAttribute('data-status')).toBe('finished');
    const listed = page.locator('.match-item').first();
    expect(await listed.locator('.team-name').allTextContents()).toEqual(['Team Vitality', 'FURIA']);
    expect(await listed.locator('.team-score').allTextContents()).toEqual(['13', '2']);

    const rounds = page.locator('.round-strip .round-played');
    expect(await rounds.count()).toBe(15);
    expect(await page.locator('.round[data-round="10"]').getAttribute('data-reason')).toBe('target_bombed');
    expect(await page.locator('.round[data-round="10"]').getAttribute('data-winner')).toBe('FURIA');

    const kills = page.getByTestId('kill-feed').locator('.kill');
    await expect.poll(() => kills.count()).toBeGreaterThanOrEqual(60);
    const newest = await kills.first().textContent();
    expect(newest).toMatch(/^R15/);
    expect(await page.getByTestId('kill-feed').locator('.mark.hs').count()).toBeGreaterThan(0);
    // Names, not SteamIDs.
    expect(await page.getByTestId('kill-feed').textContent()).not.toMatch(/7656119\d{10}/);

    await expect.poll(() => page.locator('.scoreboard-table tbody tr').count()).toBe(10);
    expect(await page.locator('.scoreboard-table caption').allTextContents()).toEqual([
      'Team Vitality',
      'FURIA',
    ]);
    expect(await page.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    await page.screenshot({ path: '/tmp/geqo-dashboard-final.png', fullPage: true });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('draws the players of a live match on the radar from their positions', async () => {
    // Prepare: a synthetic match (8 Hz positions of all ten players) on a second server.
    const page = await openDashboard();
    const server = await registerServer('browser synthetic');
    const events = generateSyntheticMatch({ rounds: 4, seed: 7 });

    // Act: it plays for about 20 s; the operator opens it while it is live.
    const replaying = replay(events, server, 20);
    const live = page.locator('.match-item[data-status="live"]').first();
    await live.waitFor({ timeout: 20_000 });
    await live.locator('a').click();
    // Two rounds in, the third under way: the radar has a trail, kills, the dead.
    await expect.poll(() => page.locator('.round-strip .round-played').count(), { timeout: 30_000 }).toBe(2);
    const radar = page.getByTestId('radar');
    await expect.poll(() => radar.getAttribute('data-players'), { timeout: 20_000 }).toBe('10');
    const bothSidesAlive = async () =>
      Math.min(
        Number(await radar.getAttribute('data-alive-ct')),
        Number(await radar.getAttribute('data-alive-t')),
      );
    await expect.poll(bothSidesAlive, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);

    // Assess: the players drawn in both sides' colours, the counter agrees.
    const painted = await sideColourPixels(radar, 12);
    expect(painted.ct).toBeGreaterThan(50);
    expect(painted.t).toBeGreaterThan(50);
    expect(await page.getByTestId('radar-count').textContent()).toMatch(/^10 players/);
    await page.screenshot({ path: '/tmp/geqo-dashboard.png', fullPage: true });

    const stats = await replaying;
    expect(stats.rejectedFrames).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('shows the connection dropping and reconnects by itself when the runtime is back', async () => {
    // Prepare
    const page = await openDashboard();
    const pill = page.locator('#connection');
    const httpPort = runtime.httpPort;

    // Act: the runtime stops, then starts again on the same port.
    expect(await runtime.stop()).toBe(0);
    await expect.poll(() => pill.getAttribute('data-state'), { timeout: 15_000 }).toBe('waiting');
    const offline = await pill.textContent();
    runtime = await startRuntimeProcess({ databaseUrl: database.url, httpPort });

    // Assess: back to live without a reload, the match list reloaded.
    await expect.poll(() => pill.getAttribute('data-state'), { timeout: 30_000 }).toBe('open');
    expect(offline).toMatch(/^Offline · retry in \d+ s$/);
    expect(await pill.textContent()).toBe('Live');
    await expect.poll(() => page.locator('.match-item').count()).toBe(2);
    await page.close();
  });
});
