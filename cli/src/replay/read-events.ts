import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AnyEvent } from '@geqo/shared/domain/events';

export class EventFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'EventFileError';
  }
}

/**
 * Reads a JSON-lines event file (one event object per line, DESIGN.md section 4). Blank lines are
 * skipped; a line that is not a JSON object with a string `type` and a numeric `ts` is an error
 * naming the line. Field validation is the codec's job, at ingest.
 */
export async function* readJsonLines(file: string): AsyncGenerator<AnyEvent> {
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new EventFileError(file, lineNo, `not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new EventFileError(file, lineNo, 'expected a JSON object');
    }
    const event = value as { type?: unknown; ts?: unknown };
    if (typeof event.type !== 'string' || typeof event.ts !== 'number') {
      throw new EventFileError(file, lineNo, 'an event needs a string "type" and a numeric "ts"');
    }
    yield value as AnyEvent;
  }
}

export async function readAllEvents(file: string): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  for await (const event of readJsonLines(file)) events.push(event);
  return events;
}
