/**
 * The webhook use case: one MatchZy or get5 event (`POST /v1/webhooks/matchzy|get5`) of an
 * authenticated server to canonical events on the raw stream, through the same channel outbox as
 * the CS2 log ({@link IngestChannels}). Frames of a match form one session (per server and
 * `matchid`), with the match id as the frame's external `match`.
 *
 * Neither plugin retries, but a proxy may: a payload identical to the last one applied, within
 * {@link DUPLICATE_WINDOW_MS}, is acknowledged without being applied twice.
 */

import { createHash } from 'node:crypto';
import { findUnstorable } from '../../domain/codec/index.ts';
import {
  mapWebhookEvent,
  restoreWebhookMatchState,
  type WebhookSource,
} from '../../domain/webhooks/index.ts';
import type { IngestChannelRecord, Logger, Metrics } from '../../ports/index.ts';
import type { ChannelDecision, IngestChannels } from './ingest-channels.ts';

export interface WebhookRequest {
  serverId: string;
  source: WebhookSource;
  body: Uint8Array;
}

export type WebhookIngestResult =
  /** Mapped and on the stream (`events` may be 0 for an event that only taught the state). */
  | { status: 'accepted'; event: string; events: number; frames: number; matchId: string | null }
  /** Acknowledged, nothing to map (vetoes, demos, an unknown event …). */
  | { status: 'ignored'; event: string; reason: string }
  /** Not JSON, or not a webhook payload: the sender's request is wrong. */
  | { status: 'invalid'; reason: string }
  | { status: 'duplicate' };

interface WebhookPosition {
  bodyHash: string;
  at: number;
}

/** How long an identical payload counts as a resend. */
export const DUPLICATE_WINDOW_MS = 5 * 60_000;

export interface WebhookIngestorDeps {
  channels: IngestChannels;
  logger: Logger;
  metrics: Metrics;
  clock?: () => number;
}

export class WebhookIngestor {
  private readonly now: () => number;

  constructor(private readonly deps: WebhookIngestorDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /** @throws UnavailableError, ChannelConflictError (retriable) */
  async ingest(request: WebhookRequest): Promise<WebhookIngestResult> {
    const { logger, metrics } = this.deps;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(request.body).toString('utf8'));
    } catch {
      metrics.count('webhook_invalid', 1, { source: request.source });
      return { status: 'invalid', reason: 'the body is not JSON' };
    }
    // A payload the store could not hold (U+0000, a lone surrogate, a number past 2^53) is refused
    // here: kept in the channel record, it would fail every request after it as "unavailable".
    const fault = findUnstorable(payload, 1);
    if (fault !== undefined) {
      metrics.count('webhook_invalid', 1, { source: request.source });
      return { status: 'invalid', reason: `payload${fault.path}: ${fault.reason}` };
    }
    const receivedAt = this.now();
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const outcome = await this.deps.channels.run(request.serverId, request.source, (record) =>
      decide(record, request.source, payload, bodyHash, receivedAt),
    );
    const result = outcome.result;
    metrics.count('webhook_requests', 1, { source: request.source, status: result.status });
    if (result.status === 'invalid') {
      logger.warn('webhook payload refused', { serverId: request.serverId, reason: result.reason });
      return result;
    }
    if (result.status === 'ignored') {
      logger.debug('webhook event ignored', {
        serverId: request.serverId,
        event: result.event,
        reason: result.reason,
      });
      return result;
    }
    return result.status === 'accepted' ? { ...result, frames: outcome.frames } : result;
  }
}

function decide(
  record: IngestChannelRecord,
  source: WebhookSource,
  payload: unknown,
  bodyHash: string,
  receivedAt: number,
): ChannelDecision<WebhookIngestResult> {
  const position = record.position as WebhookPosition | null;
  if (position?.bodyHash === bodyHash && receivedAt - position.at <= DUPLICATE_WINDOW_MS) {
    return { kind: 'unchanged', result: { status: 'duplicate' } };
  }
  const state = restoreWebhookMatchState(record.state);
  const mapping = mapWebhookEvent(source, payload, state, receivedAt);
  if (mapping.kind === 'invalid')
    return { kind: 'unchanged', result: { status: 'invalid', reason: mapping.reason } };
  const events = mapping.kind === 'events' ? mapping.events : [];
  const result: WebhookIngestResult =
    mapping.kind === 'events'
      ? {
          status: 'accepted',
          event: mapping.event,
          events: events.length,
          frames: 0,
          matchId: mapping.matchId,
        }
      : { status: 'ignored', event: mapping.event, reason: mapping.reason };
  return {
    kind: 'advance',
    result,
    state: mapping.state,
    position: { bodyHash, at: receivedAt } satisfies WebhookPosition,
    events,
    // Each match is its own session, as each plugin boot is.
    newSession: mapping.state.matchId !== state.matchId,
    match: mapping.matchId,
  };
}
