/**
 * The analyst's views in a real browser (Debian's Chromium through playwright-core) against
 * `geqo up` with finished matches replayed into it: the round replay of a pro match without
 * positions (kill markers, the kill feed and scoreboard of a moment), a synthetic match with
 * positions (a grenade and a bomb plant at their time), a player page reached from a scoreboard
 * name, and every view at phone width. Screenshots of each view at 1440 and 390 px go to
 * `docs/screenshots/`, which README.md links.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrames } from '../../cli/src/replay/frame-batcher.ts';
import { PluginClient } from '../../cli/src/replay/plugin-client.ts';
import { readAllEvents } from '../../cli/src/replay/read-events.ts';
import { type RuntimeProcess, startRuntimeProcess } from '../../local/src/process/runtime-process.ts';
import type { AnyEvent } from '../../shared/domain/events/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { sideColourPixels } from './side-colour-pixels.ts';

const NUKE = resolve('../shared/fixtures/matches/2026-02-09_de_nuke_FURIA_2-13_Team_Vitality.jsonl');
const SCREENSHOTS = resolve('docs/screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Stored {
  ts: number;
  roundNumber: number;
  type: string;
  event: Record<string, unknown>;
}

let database: TestDatabase;
let runtime: RuntimeProcess;
let browser: Browser;
let base: string;
const matchIds: { nuke: string; synthetic: string } = { nuke: '', synthetic: '' };

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function events(matchId: string, query: string): Promise<Stored[]> {
  return (await api<{ events: Stored[] }>(`/v1/matches/${matchId}/events?limit=100000&${query}`)).events;
}

/** Registers a server and replays a match into it at full speed; resolves with its match id. */
async function replayFinished(name: string, matchEvents: readonly AnyEvent[]): Promise<string> {
  const created = await fetch(`${base}/v1/servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-geqo-admin': '1' },
    body: JSON.stringify({ name }),
  });
  expect(created.status).toBe(201);
  const server = (await created.json()) as { serverId: string; token: string };
  const frames = planFrames(matchEvents, { server: server.serverId, session: `analyst-${name}` });
  const stats = await new PluginClient(frames, {
    url: `ws://127.0.0.1:${runtime.ingestPort}/`,
    token: server.token,
    window: 64,
  }).run();
  expect(stats.rejectedFrames).toBe(0);
  // Polled by hand: expect.poll belongs to tests, and this runs in beforeAll.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { matches } = await api<{ matches: { id: string; serverId: string; status: string }[] }>(
      '/v1/matches?limit=50',
    );
    const match = matches.find((candidate) => candidate.serverId === server.serverId);
    if (match?.status === 'finished') return match.id;
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`match of ${name} did not finish within 60 s`);
}

async function openPage(hash: string, width = 1440, height = 900): Promise<Page & { errors: string[] }> {
  const page = (await browser.newPage({ viewport: { width, height } })) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  await page.goto(`${base}/${hash}`);
  return page;
}

/** Moves the replay's scrubber to `offset` ms into the round, as a drag would. */
async function scrubTo(page: Page, offset: number): Promise<void> {
  await page.getByTestId('replay-scrubber').evaluate((input: HTMLInputElement, value: number) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, offset);
  await expect.poll(() => page.getByTestId('replay').getAttribute('data-offset')).toBe(String(offset));
  // The canvas is redrawn at the next animation frame: wait until it shows that moment.
  await expect.poll(() => page.getByTestId('replay-canvas').getAttribute('data-offset')).toBe(String(offset));
}

async function openRound(page: Page, round: number): Promise<void> {
  await page.locator(`.round-picker .round-button[data-round="${round}"]`).click();
  await expect.poll(() => page.getByTestId('replay').getAttribute('data-round')).toBe(String(round));
}

/** Pixels of the replay canvas in a side's colour. */
function painted(page: Page): Promise<{ ct: number; t: number }> {
  return sideColourPixels(page.getByTestId('replay-canvas'), 16);
}

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await createTestDatabase('geqo_analyst');
  runtime = await startRuntimeProcess({ databaseUrl: database.url });
  base = `http://127.0.0.1:${runtime.httpPort}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  matchIds.nuke = await replayFinished('nuke', await readAllEvents(NUKE));
  matchIds.synthetic = await replayFinished('synthetic', generateSyntheticMatch({ rounds: 6, seed: 11 }));
});

afterAll(async () => {
  await browser?.close();
  const code = await runtime?.stop();
  await database?.drop();
  expect(code).toBe(0);
});

describe('the analyst views', () => {
  it('scrubs a finished match without positions to round 5: kill markers, the feed and scoreboard of that moment', async () => {
    // Prepare: round 5's kills from the API; a moment between its second and third kill.
    const round5 = await events(matchIds.nuke, 'round=5');
    const kills = round5.filter((event) => event.type === 'player_death');
    expect(kills.length).toBeGreaterThanOrEqual(3);
    const start = round5[0]!.ts;
    const moment = Math.round((kills[1]!.ts + kills[2]!.ts) / 2);
    const allKills = await events(matchIds.nuke, 'type=player_death');
    const killsByThen = allKills.filter(
      (event) => event.ts <= moment && event.event.attacker && event.event.attacker !== event.event.victim,
    ).length;
    const page = await openPage(`#/matches/${matchIds.nuke}`);

    // Act
    await openRound(page, 5);
    await scrubTo(page, moment - start);

    // Assess: two kills in the round's feed, drawn as markers in both colours; the scoreboard of
    // that moment counts every kill of the match so far.
    await expect.poll(() => page.getByTestId('replay-feed').locator('.kill').count()).toBe(2);
    expect(await page.getByTestId('replay-canvas').getAttribute('data-kills')).toBe('2');
    expect(await page.getByTestId('replay-note').textContent()).toMatch(/No player positions/);
    const colours = await painted(page);
    expect(colours.ct + colours.t).toBeGreaterThan(20);
    await expect
      .poll(async () => {
        const cells = await page
          .getByTestId('replay-scoreboard')
          .locator('tbody tr td:nth-child(2)')
          .allTextContents();
        return cells.reduce((sum, cell) => sum + Number(cell), 0);
      })
      .toBe(killsByThen);
    expect(await page.getByTestId('round-detail').textContent()).toMatch(/Round 5/);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'match-replay-1440.png'), fullPage: true });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('shows a grenade and a bomb plant of a match with positions at their time, players moving', async () => {
    // Prepare: the first round with a plant and a smoke, from the API.
    const plants = await events(matchIds.synthetic, 'type=bomb_planted');
    const smokes = (await events(matchIds.synthetic, 'type=grenade_detonate')).filter(
      (event) => event.event.grenade === 'smokegrenade',
    );
    const plant = plants.find((candidate) =>
      smokes.some((smoke) => smoke.roundNumber === candidate.roundNumber),
    );
    expect(plant).toBeDefined();
    const smoke = smokes.find((candidate) => candidate.roundNumber === plant!.roundNumber)!;
    const roundEvents = await events(matchIds.synthetic, `round=${plant!.roundNumber}`);
    const start = roundEvents[0]!.ts;
    const page = await openPage(`#/matches/${matchIds.synthetic}`);
    await openRound(page, plant!.roundNumber);
    const canvas = page.getByTestId('replay-canvas');

    // Act and assess: before the smoke, none; just after it, a smoke; after the plant, planted.
    await scrubTo(page, smoke.ts - start - 500);
    expect(await canvas.getAttribute('data-utility')).not.toContain('smoke');
    await scrubTo(page, smoke.ts - start + 500);
    expect(await canvas.getAttribute('data-utility')).toContain('smoke');
    await scrubTo(page, plant!.ts - start - 200);
    expect(await canvas.getAttribute('data-bomb')).toBe('carried');
    await scrubTo(page, plant!.ts - start + 1_000);
    expect(await canvas.getAttribute('data-bomb')).toBe('planted');
    expect(Number(await canvas.getAttribute('data-players'))).toBe(10);
    const colours = await painted(page);
    expect(colours.ct).toBeGreaterThan(30);
    expect(colours.t).toBeGreaterThan(30);
    expect(await page.getByTestId('replay-note').textContent()).toBe('');

    // Play moves the clock.
    await page.getByTestId('replay').focus();
    const before = Number(await page.getByTestId('replay').getAttribute('data-offset'));
    await page.keyboard.press('Space');
    await expect
      .poll(async () => Number(await page.getByTestId('replay').getAttribute('data-offset')))
      .toBeGreaterThan(before + 300);
    await page.keyboard.press('Space');
    await page.screenshot({ path: resolve(SCREENSHOTS, 'replay-positions-1440.png'), fullPage: true });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('opens a player page from a scoreboard name, with the figures the API serves', async () => {
    // Prepare
    const page = await openPage(`#/matches/${matchIds.nuke}`);
    const link = page.getByTestId('player-link').first();
    await link.waitFor();
    const href = (await link.getAttribute('href')) ?? '';
    const steamId = decodeURIComponent(href.replace('#/players/', ''));
    let career: { career: { kills: number; deaths: number; rating1: number; adr: number } } | null = null;
    await expect
      .poll(
        async () => {
          const response = await fetch(`${base}/v1/players/${steamId}`);
          career = response.status === 200 ? ((await response.json()) as typeof career) : null;
          return career !== null;
        },
        { timeout: 30_000 },
      )
      .toBe(true);

    // Act
    await link.click();

    // Assess
    await expect.poll(() => page.url()).toContain(`#/players/${steamId}`);
    await expect
      .poll(() => page.getByTestId('career-kills').textContent())
      .toBe(String(career!.career.kills));
    expect(await page.getByTestId('career-deaths').textContent()).toBe(String(career!.career.deaths));
    expect(await page.getByTestId('career-rating').textContent()).toBe(career!.career.rating1.toFixed(2));
    expect(await page.getByTestId('career-adr').textContent()).toBe(career!.career.adr.toFixed(1));
    await expect
      .poll(() => page.getByTestId('player-rounds').locator('.player-round').count())
      .toBeGreaterThan(5);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'player-1440.png'), fullPage: true });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('fits every view in a 390 px wide phone (and a match in 320 and 430): no page wider than the viewport', async () => {
    const steamId = (await events(matchIds.nuke, 'type=player_death'))[0]!.event.attacker as string;
    const views: [string, string][] = [
      ['list', ''],
      ['match', `#/matches/${matchIds.nuke}`],
      ['replay-positions', `#/matches/${matchIds.synthetic}`],
      ['player', `#/players/${steamId}`],
    ];
    for (const [name, hash] of views) {
      const page = await openPage(hash, 390, 844);
      if (name === 'match' || name === 'replay-positions')
        await page.getByTestId('replay').waitFor({ timeout: 15_000 });
      if (name === 'player') await page.getByTestId('career-kills').waitFor({ timeout: 15_000 });
      if (name === 'list') await page.locator('.match-item').first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      expect(await pageWidth(page), name).toBeLessThanOrEqual(390);
      if (name === 'match') {
        // The match opens at its top: its header is on screen.
        const top = await page
          .locator('.match-header')
          .evaluate((header) => header.getBoundingClientRect().top);
        expect(top).toBeLessThan(844);
        expect(top).toBeGreaterThanOrEqual(-1);
        expect(await page.getByTestId('team-0').textContent()).toBe('Team Vitality');
      }
      await page.screenshot({ path: resolve(SCREENSHOTS, `${name}-390.png`), fullPage: true });
      expect(page.errors, name).toEqual([]);
      await page.close();
    }
    // The narrowest and widest phones too.
    for (const width of [320, 430]) {
      const page = await openPage(`#/matches/${matchIds.synthetic}`, width, 800);
      await page.getByTestId('replay').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      expect(await pageWidth(page), `match at ${width} px`).toBeLessThanOrEqual(width);
      await page.close();
    }
    const wide = await openPage('', 1440, 900);
    await wide.locator('.match-item').first().waitFor();
    await wide.screenshot({ path: resolve(SCREENSHOTS, 'list-1440.png') });
    await wide.close();
  });
});
