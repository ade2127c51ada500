/**
 * The MatchZy / get5 webhook edge, fuzzed: whatever JSON a server POSTs, the mapper never
 * throws; it answers `invalid` (a 400), `ignored`, or events (and a match id) the store can
 * hold, or that the frame codec refuses (so the worker dead-letters their frame with the reason
 * instead of failing to write it).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { initialWebhookMatchState, mapWebhookEvent } from '../../shared/domain/webhooks/index.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';
import { throughCodec } from './support/storable.ts';
import { type WebhookCase, webhookCase } from './support/webhook-inputs.ts';

const RECEIVED_AT = Date.UTC(2026, 4, 17, 18, 0, 0);

describe('fuzz: webhook payloads at the edge', () => {
  it(
    'maps mutated spec payloads to storable events (or ones the codec refuses) or a typed refusal, never a throw',
    () => {
      fc.assert(
        fc.property(webhookCase, ({ source, payloads, steps }: WebhookCase) => {
          let state = initialWebhookMatchState();
          for (const [order, payload] of payloads.entries()) {
            const mapped = mapWebhookEvent(source, payload, state, RECEIVED_AT + order);
            if (mapped.kind === 'invalid') continue;
            state = mapped.state;
            // The events travel as a frame, the match id as its `match`, which the worker decodes again.
            const match = mapped.matchId ?? undefined;
            const written = throughCodec(mapped.kind === 'events' ? mapped.events : [], match);
            if (written.refused === null && written.problem !== null) {
              throw new Error(
                `mapped ${written.problem}: PostgreSQL refuses it and the codec lets it through\n  made by: ${steps.join('; ')}`,
              );
            }
          }
        }),
        fuzzParameters('webhook-payloads', fastRuns(0.15)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.15)),
  );
});
