/**
 * Quick local timing of the match engine (not a test): `npx tsx bench/match-engine-timing.ts`.
 * Replays the ancient fixture with a `positions` event every 125 ms of game time (ten players, as
 * a plugin sends them), many times over on one state, and prints events per second.
 */
import { readFileSync } from 'node:fs';
import type { AnyEvent } from '../shared/domain/events/index.ts';
import { applyEvent, createServerState } from '../shared/domain/match/index.ts';

const fixture = new URL(
  '../../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl',
  import.meta.url,
);
const recorded = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as AnyEvent);
const players = recorded.flatMap((event) =>
  event.type === 'player_connect' ? [event.steamId as string] : [],
);

const stream: AnyEvent[] = [];
let nextPositionsAt = recorded[0]?.ts ?? 0;
for (const event of recorded) {
  while (nextPositionsAt < event.ts) {
    stream.push({
      type: 'positions',
      ts: nextPositionsAt,
      players: players.map((steamId, index) => ({
        steamId,
        pos: [index, index, 0],
        yaw: 90,
        health: 100,
        alive: true,
      })),
    });
    nextPositionsAt += 125;
  }
  stream.push(event);
}

function run(events: AnyEvent[], passes: number): { events: number; seconds: number } {
  const state = createServerState('timing');
  let seq = 0;
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (const event of events) {
      seq++;
      applyEvent(state, { key: { server: 'timing', session: 's', seq, index: 0 }, event });
    }
  }
  return { events: seq, seconds: (performance.now() - started) / 1000 };
}

run(stream, 1); // warm-up
for (const [label, events, passes] of [
  ['recorded events only (flow, hurts, deaths)', recorded, 200],
  ['with positions every 125 ms', stream, 5],
] as const) {
  const { events: count, seconds } = run(events, passes);
  console.log(
    `${label}: ${count} events in ${seconds.toFixed(2)} s = ${Math.round(count / seconds).toLocaleString('en')} events/s`,
  );
}
