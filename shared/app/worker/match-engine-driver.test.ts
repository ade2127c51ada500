import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../domain/events/index.ts';
import { BatchWrite } from './batch-write.ts';
import type { WorkerEffect } from './engine-driver.ts';
import { matchEngineDriver } from './match-engine-driver.ts';

const t0 = 1_770_000_000_000;

function run(events: AnyEvent[]): WorkerEffect[] {
  const state = matchEngineDriver.createState('srv_driver00001');
  return events.flatMap((event, i) => [
    ...matchEngineDriver.apply(state, {
      key: { server: 'srv_driver00001', session: 's', seq: i + 1, index: 0 },
      event,
    }).effects,
  ]);
}

describe('match engine driver', () => {
  it('turns a match start, a round and its result into match and round rows, teams with their scores', () => {
    const effects = run([
      { type: 'map_start', ts: t0, map: 'de_nuke' },
      { type: 'team_names', ts: t0, ct: 'Vitality', t: 'FURIA' },
      { type: 'player_team', ts: t0, steamId: '1', side: 'CT' },
      { type: 'player_team', ts: t0, steamId: '2', side: 'T' },
      { type: 'match_start', ts: t0 + 1 },
      { type: 'round_start', ts: t0 + 2 },
      { type: 'round_end', ts: t0 + 90_000, winner: 'CT', reason: 'ct_win', scoreCT: 1, scoreT: 0 },
    ]);
    const matchRows = effects.filter((e) => e.kind === 'match');
    expect(matchRows[0]).toMatchObject({
      patch: { serverId: 'srv_driver00001', map: 'de_nuke', endedAt: null },
    });
    const rounds = effects.filter((e) => e.kind === 'round').map((e) => (e.kind === 'round' ? e.row : null));
    expect(rounds.at(-1)).toMatchObject({
      number: 1,
      winnerSide: 'CT',
      winnerTeam: 'Vitality',
      reason: 'ct_win',
    });
    const batch = new BatchWrite();
    for (const effect of effects) batch.add(effect);
    const [merged] = batch.matchRows;
    expect(merged?.score).toEqual({ Vitality: 1, FURIA: 0 });
    expect(merged?.status).toBe('live');
    expect(merged?.teams).toEqual([
      expect.objectContaining({ name: 'Vitality', score: 1 }),
      expect.objectContaining({ name: 'FURIA', score: 0 }),
    ]);
  });
});
