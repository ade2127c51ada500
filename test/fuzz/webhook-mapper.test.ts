/**
 * The MatchZy / get5 webhook edge, fuzzed: whatever JSON a server POSTs, the mapper never
 * throws; it answers `invalid` (a 400), `ignored`, or events the catalog accepts and the store
 * can hold, with a match id that fits a frame.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkEvents } from '../../shared/domain/codec/index.ts';
import { initialWebhookMatchState, mapWebhookEvent } from '../../shared/domain/webhooks/index.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';
import { eventProblem, textProblem } from './support/storable.ts';
import { type WebhookCase, webhookCase } from './support/webhook-inputs.ts';

const RECEIVED_AT = Date.UTC(2026, 4, 17, 18, 0, 0);

describe('fuzz: webhook payloads at the edge', () => {
  it(
    'maps mutated spec payloads to valid, storable events or a typed refusal, never a throw',
    () => {
      fc.assert(
        fc.property(webhookCase, ({ source, payloads, steps }: WebhookCase) => {
          let state = initialWebhookMatchState();
          for (const [order, payload] of payloads.entries()) {
            const mapped = mapWebhookEvent(source, payload, state, RECEIVED_AT + order);
            const fail = (what: string) => {
              throw new Error(`${what}\n  made by: ${steps.join('; ')}`);
            };
            if (mapped.kind === 'invalid') continue;
            state = mapped.state;
            if (mapped.matchId !== null) {
              const problem = textProblem(mapped.matchId);
              if (problem !== null) fail(`match id PostgreSQL refuses: ${problem}`);
              if (mapped.matchId.length > 256)
                fail(`match id of ${mapped.matchId.length} chars, over a frame's 256`);
            }
            if (mapped.kind === 'ignored') continue;
            for (const [index, event] of mapped.events.entries()) {
              const problem = eventProblem(event, `events[${index}]`);
              if (problem !== null) fail(`mapped an event PostgreSQL refuses: ${problem}`);
            }
            const checked = checkEvents(structuredClone(mapped.events));
            if (!checked.ok) fail(`mapped an event the catalog rejects: ${checked.message}`);
          }
        }),
        fuzzParameters('webhook-payloads', fastRuns(0.15)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.15)),
  );
});
