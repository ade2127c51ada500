/**
 * The REST parameter edge, fuzzed: a path segment, a numeric query value or an `after` cursor
 * either becomes a value the queries can send to PostgreSQL, or a 400 with a code; nothing else
 * is thrown (which would be a 500).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Router } from '../../local/src/http/router.ts';
import {
  HttpError,
  idParam,
  intParam,
  positiveIdParam,
  steamIdParam,
} from '../../shared/app/http-api/index.ts';
import { parseToken } from '../../shared/app/servers/server-token.ts';
import { decodeCursor } from '../../shared/ports/index.ts';
import { fastRuns, fuzzParameters, fuzzTimeoutMs } from './support/fuzz-runs.ts';
import { craftedCursor, hostileNumberText, hostilePath, ROUTE_TEMPLATES } from './support/rest-inputs.ts';
import { textProblem, timestampProblem } from './support/storable.ts';

/** A router with the API's route templates (matching only: no handler runs). */
const router = new Router();
for (const route of ROUTE_TEMPLATES) router.on(route.method, route.path, () => {});

function isBadRequest(error: unknown): boolean {
  return error instanceof HttpError && error.status === 400 && error.code.length > 0;
}

describe('fuzz: REST parameters at the edge', () => {
  it(
    'turns every hostile path segment into a storable parameter or a 400, never another throw',
    () => {
      fc.assert(
        fc.property(hostilePath, ({ method, path }) => {
          let found: ReturnType<Router['match']>;
          try {
            found = router.match(method, path);
          } catch (error) {
            if (isBadRequest(error)) return;
            throw error;
          }
          if (found === null || found === 'method') return;
          // What reaches the queries is what each route's own parameter check lets through
          // (shared/app/http-api/params.ts; the log route reads its server id from the token).
          let passed: string[];
          try {
            passed = Object.entries(found.params).flatMap(([name, value]) => {
              if (path.startsWith('/v1/logs/')) {
                if (name !== 'token') return [];
                const parsed = parseToken(value.includes('.') ? value : `${found.params.serverId}.${value}`);
                return parsed ? [parsed.serverId] : [];
              }
              if (path.startsWith('/v1/dead-letters/')) return [String(positiveIdParam(value, name))];
              if (name === 'steamId') return [steamIdParam(value, name)];
              return [idParam(value, name)];
            });
          } catch (error) {
            if (isBadRequest(error)) return;
            throw error;
          }
          for (const value of passed) {
            const problem = textProblem(value);
            if (problem !== null)
              throw new Error(`${method} ${path.slice(0, 120)}: a parameter reaches a query with ${problem}`);
          }
        }),
        fuzzParameters('rest-paths', fastRuns(0.04)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.04)),
  );

  it(
    'reads limit and round as bounded integers or answers 400',
    () => {
      fc.assert(
        fc.property(
          hostileNumberText,
          fc.constantFrom({ min: 1, max: 100_000 }, { min: 0, max: 1_000 }),
          (text, bounds) => {
            let value: number | undefined;
            try {
              value = intParam(text, 'limit', bounds);
            } catch (error) {
              if (isBadRequest(error)) return;
              throw error;
            }
            if (value === undefined) return;
            if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
              throw new Error(`limit=${JSON.stringify(text)} read as ${value}`);
            }
          },
        ),
        fuzzParameters('rest-numbers', fastRuns(0.02)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.02)),
  );

  it(
    'decodes every crafted after cursor to a queryable position or refuses it',
    () => {
      fc.assert(
        fc.property(craftedCursor, (text) => {
          const cursor = decodeCursor(text);
          if (cursor === null) return;
          const problems = [
            timestampProblem(cursor.ts, 'ts'),
            textProblem(cursor.server),
            textProblem(cursor.session),
            Number.isSafeInteger(cursor.seq) && cursor.seq >= 0 ? null : `seq ${cursor.seq} is not a bigint`,
            Number.isSafeInteger(cursor.index) && cursor.index >= 0 && cursor.index <= 2 ** 31 - 1
              ? null
              : `index ${cursor.index} is not an integer`,
          ].filter((problem) => problem !== null);
          if (problems.length > 0) {
            throw new Error(
              `after=${text.slice(0, 120)} decodes to ${JSON.stringify(cursor)}: ${problems.join(', ')}`,
            );
          }
        }),
        fuzzParameters('rest-cursors', fastRuns(0.04)),
      );
    },
    fuzzTimeoutMs(fastRuns(0.04)),
  );
});
