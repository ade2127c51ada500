/**
 * The CS2 log edge, fuzzed: whatever bodies a server POSTs, the stream parser never throws, and
 * every event it emits is either one the store can hold, or one the frame codec refuses (so the
 * worker dead-letters its frame with the reason instead of failing to write it).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { LogStreamParser } from '../../shared/domain/cs2-log/index.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';
import { type LogCase, logCase } from './support/log-inputs.ts';
import { throughCodec } from './support/storable.ts';

describe('fuzz: CS2 log lines and bodies at the edge', () => {
  it(
    'parses mutated fixture log bodies into storable events, or events the codec refuses, never a throw',
    () => {
      fc.assert(
        fc.property(logCase, ({ bodies, steps }: LogCase) => {
          const parser = new LogStreamParser({ utcOffsetMinutes: 60 });
          const events = [...bodies.flatMap((body) => parser.push(body)), ...parser.flush()];
          const written = throughCodec(events);
          if (written.refused === null && written.problem !== null) {
            throw new Error(
              `emitted an event PostgreSQL refuses and the codec lets through: ${written.problem}\n  made by: ${steps.join('; ')}`,
            );
          }
        }),
        fuzzParameters('log-bodies', fastRuns(0.2)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.2)),
  );

  it(
    'keeps its state resumable after any input (the state round-trips through JSON)',
    () => {
      fc.assert(
        fc.property(logCase, ({ bodies }: LogCase) => {
          const parser = new LogStreamParser();
          for (const body of bodies.slice(0, -1)) parser.push(body);
          const resumed = LogStreamParser.fromJSON(JSON.parse(JSON.stringify(parser.toJSON())));
          resumed.push(bodies.at(-1) ?? '');
          resumed.flush();
        }),
        fuzzParameters('log-state', fastRuns(0.05)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.05)),
  );
});
