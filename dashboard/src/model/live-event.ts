/**
 * One game event as the match view uses it, whichever way it came: live on the socket
 * (`DashboardEvent`) or from the REST history (`StoredEvent`). Both carry the event in its stored
 * form (`positions` as rows).
 */
import type { DashboardEvent, StoredEvent } from '../wire.ts';

export interface LiveEvent {
  /** The event's stable key, `server/session/seq/index`: the same event from both sources is one. */
  id: string;
  ts: number;
  type: string;
  round: number;
  phase: string;
  postRound: boolean;
  data: Record<string, unknown>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function fromDashboardEvent(event: DashboardEvent): LiveEvent {
  return {
    id: event.key.join('/'),
    ts: event.ts,
    type: event.type,
    round: event.round,
    phase: event.phase,
    postRound: event.postRound,
    data: record(event.data),
  };
}

export function fromStoredEvent(event: StoredEvent): LiveEvent {
  const { server, session, seq, index } = event.key;
  return {
    id: `${server}/${session}/${seq}/${index}`,
    ts: event.ts,
    type: event.type,
    round: event.roundNumber,
    phase: event.phase,
    postRound: event.isPostRound,
    data: record(event.event),
  };
}

/** A string field of an event, or null. */
export function text(data: Record<string, unknown>, field: string): string | null {
  const value = data[field];
  return typeof value === 'string' ? value : null;
}

/** A number field of an event, or null. */
export function num(data: Record<string, unknown>, field: string): number | null {
  const value = data[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
