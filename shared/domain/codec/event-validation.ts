/**
 * Checks decoded events against the catalog. The TypeBox schemas are compiled once, at module
 * load, into one validator per event type; each event is dispatched on its `type` to exactly
 * one of them, so a frame costs one map lookup and one compiled check per event.
 */
import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type AnyEvent, EVENT_SCHEMAS } from '../events/catalog.ts';

const VALIDATORS: ReadonlyMap<string, TypeCheck<TObject>> = new Map(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]): [string, TypeCheck<TObject>] => [
    type,
    TypeCompiler.Compile(schema),
  ]),
);

/** The events, now typed, or the first problem found, naming the event index and field. */
export type EventsCheck =
  | { ok: true; events: AnyEvent[]; unknownTypes: number }
  | { ok: false; message: string };

/**
 * Validates every event in place. Known types must match their schema; an unknown type is
 * kept and flagged `unknown: true` when it has at least a string `type` and an integer `ts`.
 * A known event never carries `unknown`, so the flag alone tells the two apart downstream.
 */
export function checkEvents(events: unknown[]): EventsCheck {
  let unknownTypes = 0;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { ok: false, message: `events[${index}]: expected object` };
    }
    const fields = event as Record<string, unknown>;
    const type = fields.type;
    if (typeof type !== 'string') return { ok: false, message: `events[${index}].type: expected string` };
    const validator = VALIDATORS.get(type);
    if (validator !== undefined) {
      if (!validator.Check(event)) return { ok: false, message: describeFirstError(index, validator, event) };
      if (fields.unknown !== undefined) delete fields.unknown;
    } else {
      const ts = fields.ts;
      if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) {
        return {
          ok: false,
          message: `events[${index}].ts: expected integer (unknown type '${type.slice(0, 64)}')`,
        };
      }
      fields.unknown = true;
      unknownTypes++;
    }
  }
  return { ok: true, events: events as AnyEvent[], unknownTypes };
}

/** `events[3].victim: expected string`, from TypeBox's first error (the slow path, failures only). */
function describeFirstError(index: number, validator: TypeCheck<TObject>, event: object): string {
  const error = validator.Errors(event).First();
  if (error === undefined) return `events[${index}]: invalid`;
  const message = error.message.charAt(0).toLowerCase() + error.message.slice(1);
  return `events[${index}]${jsonPointerToPath(error.path)}: ${message}`;
}

/** `/players/0/steamId` → `.players[0].steamId`. */
function jsonPointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => {
      if (/^\d+$/.test(segment)) return `[${segment}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(segment)) return `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}
