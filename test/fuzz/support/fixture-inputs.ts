/** The real recordings the fuzz inputs start from (`../shared/fixtures`), read once. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyEvent } from '../../../shared/domain/events/index.ts';

export const FIXTURES = resolve(import.meta.dirname, '../../../../shared/fixtures');

/** The events of every fixture match (`matches/*.jsonl`), one array per file. */
export function fixtureMatches(): AnyEvent[][] {
  const folder = resolve(FIXTURES, 'matches');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) =>
      readFileSync(resolve(folder, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as AnyEvent),
    );
}

/** The lines of every fixture CS2 log (`cs2-logs/*.log`). */
export function fixtureLogLines(): string[] {
  const folder = resolve(FIXTURES, 'cs2-logs');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .flatMap((name) => readFileSync(resolve(folder, name), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '');
}

/** The webhook event names the MatchZy and get5 specs (`webhooks/*-event_schema.yml`) declare. */
export function specWebhookEvents(): { matchzy: string[]; get5: string[] } {
  const read = (file: string) => {
    const text = readFileSync(resolve(FIXTURES, 'webhooks', file), 'utf8');
    // `event:` followed by `enum:` and its one item: how both specs name each event.
    const names = new Set<string>();
    for (const found of text.matchAll(/event:\s*\n\s*enum:\s*\n\s*-\s*([a-z0-9_]+)/g)) {
      if (found[1]) names.add(found[1]);
    }
    return [...names].sort();
  };
  return { matchzy: read('matchzy-event_schema.yml'), get5: read('get5-event_schema.yml') };
}
