/**
 * The CS2 log edge, fuzzed: whatever bodies a server POSTs, the stream parser never throws, and
 * every event it emits is one the catalog accepts and the store can hold.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkEvents } from '../../shared/domain/codec/index.ts';
import { LogStreamParser } from '../../shared/domain/cs2-log/index.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';
import { type LogCase, logCase } from './support/log-inputs.ts';
import { eventProblem } from './support/storable.ts';

describe('fuzz: CS2 log lines and bodies at the edge', () => {
  it(
    'parses mutated fixture log bodies into valid, storable events only, never a throw',
    () => {
      fc.assert(
        fc.property(logCase, ({ bodies, steps }: LogCase) => {
          const parser = new LogStreamParser({ utcOffsetMinutes: 60 });
          const events = [...bodies.flatMap((body) => parser.push(body)), ...parser.flush()];
          for (const [index, event] of events.entries()) {
            const problem = eventProblem(event, `events[${index}]`);
            if (problem !== null)
              throw new Error(
                `emitted an event PostgreSQL refuses: ${problem}\n  made by: ${steps.join('; ')}`,
              );
          }
          // The emitted events travel as frames to the worker, which validates them again.
          const checked = checkEvents(structuredClone(events));
          if (!checked.ok)
            throw new Error(
              `emitted an event the catalog rejects: ${checked.message}\n  made by: ${steps.join('; ')}`,
            );
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
