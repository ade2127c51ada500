/**
 * CS2 log input a broken or hostile server POSTs: runs of real lines (the fixture log) with bad
 * characters put in, numbers swapped for huge or negative ones, dates no calendar has, lines cut
 * short, and the whole cut into bodies at arbitrary points (mid-line, mid-`\r\n`).
 */
import fc from 'fast-check';
import { fixtureLogLines } from './fixture-inputs.ts';
import { anyCodeUnits, hostileString } from './hostile-values.ts';
import { withSteps } from './value-mutations.ts';

export const LOG_LINES: readonly string[] = fixtureLogLines();

/** Numbers put where a log line has digits. */
const HOSTILE_DIGITS = [
  '99999999999999999999999',
  '9007199254740993',
  '-1',
  '-2147483649',
  '1e300',
  'NaN',
  '0x7fffffff',
  '',
  '00000000000000000000000000000001',
];

/** Dates put in a line's `MM/DD/YYYY - HH:MM:SS` prefix. */
const HOSTILE_DATES = [
  '00/00/0000 - 00:00:00',
  '12/31/9999 - 23:59:60',
  '01/01/0000 - 00:00:00',
  '01/01/0001 - 00:00:00',
  '02/29/2025 - 24:00:00',
  '13/45/2026 - 99:99:99',
  '1/1/2026 - 1:1:1',
];

type LineChange =
  | { kind: 'inject'; at: number; text: string }
  | { kind: 'digits'; which: number; text: string }
  | { kind: 'date'; text: string }
  | { kind: 'cut'; at: number }
  | { kind: 'replace'; text: string };

const lineChange: fc.Arbitrary<LineChange> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('inject' as const), at: fc.nat(), text: hostileString }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('digits' as const),
      which: fc.nat(),
      text: fc.oneof(
        fc.constantFrom(...HOSTILE_DIGITS),
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('date' as const), text: fc.constantFrom(...HOSTILE_DATES) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), text: anyCodeUnits(80) }) },
);

function applyLineChange(line: string, change: LineChange): string {
  switch (change.kind) {
    case 'inject': {
      const at = change.at % (line.length + 1);
      return line.slice(0, at) + change.text + line.slice(at);
    }
    case 'digits': {
      const runs = [...line.matchAll(/\d+/g)];
      if (runs.length === 0) return line;
      const run = runs[change.which % runs.length]!;
      const at = run.index ?? 0;
      return line.slice(0, at) + change.text + line.slice(at + run[0].length);
    }
    case 'date':
      return line.replace(/\d\d\/\d\d\/\d{4} - \d\d:\d\d:\d\d/, change.text);
    case 'cut':
      return line.slice(0, change.at % (line.length + 1));
    case 'replace':
      return change.text;
  }
}

/** A log case: the bodies, in order, and what was done to the lines. */
export interface LogCase {
  bodies: string[];
  steps: string[];
}

/** 1 to 40 consecutive fixture lines, some changed, joined and cut into 1 to 4 bodies. */
export const logCase: fc.Arbitrary<LogCase> = fc
  .record({
    start: fc.nat({ max: LOG_LINES.length - 1 }),
    count: fc.integer({ min: 1, max: 40 }),
    changes: fc.array(fc.tuple(fc.nat(), lineChange), { maxLength: 4 }),
    crlf: fc.boolean(),
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
    trailingNewline: fc.boolean(),
  })
  .map(({ start, count, changes, crlf, cuts, trailingNewline }) => {
    const lines = LOG_LINES.slice(start, start + count);
    const steps: string[] = [`lines ${start}..${start + lines.length - 1}`];
    for (const [which, change] of changes) {
      const index = which % lines.length;
      lines[index] = applyLineChange(lines[index]!, change);
      steps.push(`line ${start + index} ${change.kind}: ${JSON.stringify(lines[index]!.slice(0, 160))}`);
    }
    const text = lines.join(crlf ? '\r\n' : '\n') + (trailingNewline ? (crlf ? '\r\n' : '\n') : '');
    const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
    const bodies: string[] = [];
    let from = 0;
    for (const point of points) {
      bodies.push(text.slice(from, point));
      from = point;
    }
    bodies.push(text.slice(from));
    return withSteps({ bodies, steps });
  });
