/**
 * The plugin frame edge, fuzzed: whatever bytes or text arrive, `decodeFrame` (what ingest and
 * the worker both run) returns a frame the store can hold, or a rejection with a stable code;
 * it never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFrame } from '../../shared/app/ingest/index.ts';
import { DEFAULT_CODEC_LIMITS, decodeFrame, FRAME_ERROR_CODES } from '../../shared/domain/codec/index.ts';
import { type FrameCase, frameCase, garbageText } from './support/frame-inputs.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';
import { frameProblem } from './support/storable.ts';

const CODES: readonly string[] = FRAME_ERROR_CODES;

/** The property every input must hold; throws (failing the case) with what went wrong and how the input was made. */
function assertStorableOrCoded(message: Uint8Array | string, steps: readonly string[]): void {
  const result = decodeFrame(message);
  if (result.ok) {
    const problem = frameProblem(result.frame);
    if (problem !== null) {
      throw new Error(`accepted a frame PostgreSQL refuses: ${problem}\n  made by: ${steps.join('; ')}`);
    }
  } else if (!CODES.includes(result.code)) {
    throw new Error(`rejected with an unknown code ${result.code}\n  made by: ${steps.join('; ')}`);
  }
}

describe('fuzz: plugin frames at the edge', () => {
  it(
    'decodes every mutated fixture frame to a storable frame or a coded rejection, never a throw',
    () => {
      fc.assert(
        fc.property(frameCase({ server: 'srv_fuzz0000001' }), ({ message, steps }: FrameCase) =>
          assertStorableOrCoded(message, steps),
        ),
        fuzzParameters('frame-mutations', fastRuns(0.45)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.45)),
  );

  it(
    'rejects random bytes and text that is not base64 with a code, never a throw',
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 256 }), garbageText), (message) =>
          assertStorableOrCoded(message, ['random input']),
        ),
        fuzzParameters('frame-garbage', fastRuns(0.05)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.05)),
  );

  it(
    "answers ingest's frame check the same way: accepted frames are storable, rejections coded",
    () => {
      fc.assert(
        fc.property(
          frameCase({ server: 'srv_fuzz0000001', maxEvents: 4 }),
          ({ message, steps }: FrameCase) => {
            const checked = checkFrame(message, DEFAULT_CODEC_LIMITS);
            if (checked.ok) {
              expect(checked.frame, steps.join('; ')).toBeDefined();
              const problem = checked.frame ? frameProblem(checked.frame) : null;
              if (problem !== null)
                throw new Error(
                  `ingest acks a frame PostgreSQL refuses: ${problem}\n  made by: ${steps.join('; ')}`,
                );
            } else {
              expect(CODES, steps.join('; ')).toContain(checked.code);
            }
          },
        ),
        fuzzParameters('frame-check', fastRuns(0.05)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.05)),
  );
});
