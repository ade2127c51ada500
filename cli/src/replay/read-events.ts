import { readEventLines } from '@geqo/shared/app/analyze';
import type { AnyEvent } from '@geqo/shared/domain/events';

/** Every event of a JSON-lines file, validated (a bad line throws `EventFileError` naming it). */
export async function readAllEvents(file: string): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  for await (const { event } of readEventLines(file)) events.push(event);
  return events;
}
