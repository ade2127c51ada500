/**
 * Reads a recorded event stream: JSON lines, one catalog event per line (DESIGN.md section 4).
 * Lines are validated at this edge with the codec's compiled schemas; the domain sees typed events.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { checkEvents } from '../../domain/codec/event-validation.ts';
import type { AnyEvent } from '../../domain/events/index.ts';
import { PipelineError } from '../../ports/index.ts';

/** A line of the file that is not a valid event: the file must be fixed, retrying cannot help. */
export class EventFileError extends PipelineError {
  constructor(
    readonly path: string,
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('EVENT_FILE', `${path}:${line}: ${message}`, false, options);
    this.name = 'EventFileError';
  }
}

export interface EventLine {
  /** 1-based line number in the file. */
  line: number;
  event: AnyEvent;
  /** Characters read so far, newlines included (for progress). */
  charsRead: number;
}

/**
 * The events of a JSON-lines file in order; blank lines are skipped, a bad line throws
 * {@link EventFileError}, or, with `onBadLine`, is handed to it and skipped.
 */
export async function* readEventLines(
  path: string,
  options: { onBadLine?: (error: EventFileError) => void } = {},
): AsyncGenerator<EventLine> {
  const bad = (error: EventFileError): void => {
    if (!options.onBadLine) throw error;
    options.onBadLine(error);
  };
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let charsRead = 0;
  for await (const text of lines) {
    line++;
    charsRead += text.length + 1;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      bad(new EventFileError(path, line, 'not JSON', { cause: error }));
      continue;
    }
    const checked = checkEvents([parsed]);
    if (!checked.ok) {
      bad(new EventFileError(path, line, checked.message.replace(/^events\[0\]\.?/, '')));
      continue;
    }
    const [event] = checked.events;
    if (event !== undefined) yield { line, event, charsRead };
  }
}
