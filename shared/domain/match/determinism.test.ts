/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import ancientEvents from '../../../../shared/fixtures/matches/2026-05-17_de_ancient_Team_Spirit_13-10_Team_Falcons.jsonl?raw';
import type { AnyEvent } from '../events/index.ts';
import { applyEvent, type EngineInput, type EngineStep } from './engine.ts';
import { createServerState, type ServerState } from './engine-state.ts';
import { ROSTERS, ScriptedServer } from './test-helpers.ts';

function parseJsonLines(text: string): AnyEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AnyEvent);
}

/** The fixture match, with a backup restore and a restart spliced in, as engine inputs. */
function inputs(): EngineInput[] {
  const events = parseJsonLines(ancientEvents);
  const round4End = events.findIndex((event, index) => event.type === 'round_end' && index > 150);
  const spliced: AnyEvent[] = [
    ...events.slice(0, round4End),
    { type: 'backup_restore', ts: events[round4End]?.ts ?? 0, round: 2 },
    ...events.slice(round4End),
  ];
  return spliced.map((event, index) => ({
    key: { server: 'srv-9', session: index < 400 ? 'boot-1' : 'boot-2', seq: index + 1, index: 0 },
    event,
    matchTag: 'scrim',
  }));
}

function run(state: ServerState, batch: EngineInput[]): EngineStep[] {
  // Each step is copied: the worker stores it before the state moves on.
  return batch.map((input) => structuredClone(applyEvent(state, input)));
}

describe('match engine determinism', () => {
  it('gives the same ids, enrichment and effects for the same input', async () => {
    // Prepare
    const batch = inputs();

    // Act
    const first = run(createServerState('srv-9'), batch);
    const second = run(createServerState('srv-9'), batch);

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(
      first.flatMap((step) => step.effects).filter((effect) => effect.type === 'match_started'),
    ).toHaveLength(1);
  });

  it('resumes from a JSON snapshot taken mid-match exactly where it stopped', async () => {
    // Prepare
    const batch = inputs();
    const reference = run(createServerState('srv-9'), batch);
    const worker = createServerState('srv-9');
    const cut = 431;

    // Act: a worker applies part of the stream, snapshots as jsonb, and another one goes on.
    const before = run(worker, batch.slice(0, cut));
    const snapshot = JSON.parse(JSON.stringify(worker)) as ServerState;
    const after = run(snapshot, batch.slice(cut));

    // Assess
    expect(worker.match?.round).not.toBeNull();
    expect(JSON.stringify([...before, ...after])).toBe(JSON.stringify(reference));
  });

  it('snapshots at every event of a scripted match with restores and restarts resume identically', async () => {
    // Prepare: record the inputs of a scripted match, then replay them with a snapshot before each event.
    const script = new ScriptedServer('srv-2');
    script.loadMap();
    script.send({ type: 'match_start' });
    script.playRound({ winner: 'alpha', kills: [[ROSTERS.alpha[0] ?? '', ROSTERS.bravo[0] ?? '']] });
    script.send({ type: 'pause', kind: 'technical' });
    script.send({ type: 'unpause' });
    script.playRound({ winner: 'bravo' });
    script.send({ type: 'backup_restore', round: 1 });
    script.setScore({ alpha: 1, bravo: 0 });
    script.playRound({ winner: 'alpha' });
    const recorded: EngineInput[] = script.steps.map((step) => ({
      key: step.enriched.key,
      event: step.enriched.event,
    }));

    // Act
    let state = createServerState('srv-2');
    const resumed = recorded.map((input) => {
      state = JSON.parse(JSON.stringify(state)) as ServerState;
      return structuredClone(applyEvent(state, input));
    });

    // Assess
    expect(JSON.stringify(resumed)).toBe(JSON.stringify(script.steps));
  });
});
