/**
 * Checks decoded events against the catalog. The TypeBox schemas are compiled once, at module
 * load, into one validator per event type; each event is dispatched on its `type` to exactly
 * one of them, so a frame costs one map lookup and one compiled check per event.
 *
 * Every event must also be storable as it is (`storable-value.ts`: no U+0000 or unpaired
 * surrogate in any string or key, no number beyond ±2^53, bounded nesting). A known event that
 * passed its schema is proven so by a check compiled from the same schema (`storable-check.ts`);
 * an unknown type, and any event that fails, is walked value by value (`findUnstorable`), which
 * also names the field and the reason.
 *
 * A known event that passes has its non-integer numbers read as the shortest decimal of the same
 * 32-bit float (`float32-decimals.ts`): a C# plugin's `float` 1234.57 arrives as
 * 1234.5699462890625 and is stored as 1234.57.
 */
import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { type AnyEvent, EVENT_SCHEMAS, OBJECT_PROTOTYPE_NAMES } from '../events/catalog.ts';
import { FIELD_BOUNDS } from '../events/field-bounds.ts';
import { compileFloat32Reader, type Float32Reader } from './float32-decimals.ts';
import { compileStorableCheck, type StorableCheck } from './storable-check.ts';
import { findUnstorable } from './storable-value.ts';

interface TypeValidators {
  schema: TypeCheck<TObject>;
  storable: StorableCheck;
  /** Null for a type without non-integer numbers. */
  float32: Float32Reader | null;
}

const VALIDATORS: ReadonlyMap<string, TypeValidators> = new Map(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]): [string, TypeValidators] => [
    type,
    {
      schema: TypeCompiler.Compile(schema),
      storable: compileStorableCheck(schema),
      float32: compileFloat32Reader(schema),
    },
  ]),
);

/** The events, now typed, or the first problem found, naming the event index and field. */
export type EventsCheck =
  | { ok: true; events: AnyEvent[]; unknownTypes: number }
  | { ok: false; message: string };

/**
 * The `ts` range a frame's events must fall in, inclusive, on top of the catalog's own bounds
 * (ingest builds it from the frame's `sentAt` and its clock), and how to say it.
 */
export interface TsWindow {
  earliest: number;
  latest: number;
  /** Names the window in a rejection, e.g. `sentAt ± 1 day`. */
  description: string;
}

/**
 * Validates every event in place. Known types must match their schema; an unknown type is
 * kept and flagged `unknown: true` when it has at least a string `type` and an integer `ts`
 * within the catalog's bounds. A known event never carries `unknown`, so the flag alone tells
 * the two apart downstream. Every event must be storable as it is, and within `window` if given.
 * A known event's numbers that are exactly 32-bit floats are rewritten to their shortest decimals.
 */
export function checkEvents(events: unknown[], window?: TsWindow): EventsCheck {
  let unknownTypes = 0;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { ok: false, message: `events[${index}]: expected object` };
    }
    const fields = event as Record<string, unknown>;
    const type = fields.type;
    if (typeof type !== 'string') return { ok: false, message: `events[${index}].type: expected string` };
    const validators = VALIDATORS.get(type);
    if (validators !== undefined) {
      if (!validators.schema.Check(event) || !validators.storable(fields)) {
        // The slow path, failures only: what cannot be stored is said first, then the schema error.
        const fault = findUnstorable(event, 1);
        if (fault !== undefined)
          return { ok: false, message: `events[${index}]${fault.path}: ${fault.reason}` };
        return { ok: false, message: describeFirstError(index, validators.schema, event) };
      }
      if (fields.unknown !== undefined) delete fields.unknown;
      validators.float32?.(fields);
    } else {
      const fault = findUnstorable(event, 1);
      if (fault !== undefined)
        return { ok: false, message: `events[${index}]${fault.path}: ${fault.reason}` };
      const ts = fields.ts;
      if (
        typeof ts !== 'number' ||
        !Number.isInteger(ts) ||
        ts < FIELD_BOUNDS.ts.minimum ||
        ts > FIELD_BOUNDS.ts.maximum
      ) {
        return {
          ok: false,
          message: `events[${index}].ts: expected integer epoch ms from ${iso(FIELD_BOUNDS.ts.minimum)} to ${iso(FIELD_BOUNDS.ts.maximum)} (unknown type '${type.slice(0, 64)}')`,
        };
      }
      fields.unknown = true;
      unknownTypes++;
    }
    if (window !== undefined) {
      // Within the catalog's bounds by now, so a valid date.
      const ts = fields.ts as number;
      if (ts < window.earliest || ts > window.latest) {
        return {
          ok: false,
          message: `events[${index}].ts: ${iso(ts)} is outside ${iso(window.earliest)} … ${iso(window.latest)} (${window.description})`,
        };
      }
    }
  }
  return { ok: true, events: events as AnyEvent[], unknownTypes };
}

/** Events sorted by {@link checkEvents}, one by one: those that pass, and why each other failed. */
export interface EventsSorted {
  valid: AnyEvent[];
  /** `index` in the events given; `message` names it, as `events[7].name: contains U+0000`. */
  refused: { index: number; message: string }[];
}

/**
 * Checks each event alone (no window), for a source that makes many events of one request
 * (a CS2 log body, a webhook) and would rather drop the few bad ones than refuse the request.
 */
export function sortEvents(events: readonly unknown[]): EventsSorted {
  const sorted: EventsSorted = { valid: [], refused: [] };
  events.forEach((event, index) => {
    const checked = checkEvents([event]);
    if (checked.ok) sorted.valid.push(...checked.events);
    else sorted.refused.push({ index, message: checked.message.replace(/^events\[0\]/, `events[${index}]`) });
  });
  return sorted;
}

/** An epoch-ms time as ISO text (only called with times a `Date` holds). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `events[3].victim: expected string`, from TypeBox's first error (the slow path, failures only). */
function describeFirstError(index: number, validator: TypeCheck<TObject>, event: object): string {
  const error = validator.Errors(event).First();
  if (error === undefined) return `events[${index}]: invalid`;
  // A player id's pattern refuses only these names (catalog.ts); any other error keeps TypeBox's words.
  const message =
    error.type === ValueErrorType.StringPattern &&
    typeof error.value === 'string' &&
    OBJECT_PROTOTYPE_NAMES.has(error.value)
      ? `'${error.value}' is a name every JavaScript object has, not a player id`
      : error.message.charAt(0).toLowerCase() + error.message.slice(1);
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
