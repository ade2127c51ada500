import type {
  ConnectionRegistry,
  ConnectionSender,
  ConsumedRecord,
  Logger,
  Metrics,
  SendOutcome,
} from '../../ports/index.ts';
import { isProgrammerError, PipelineError } from '../../ports/index.ts';

export interface BroadcasterDeps {
  registry: ConnectionRegistry;
  sender: ConnectionSender;
  logger: Logger;
  metrics: Metrics;
  /** Posts in flight at once across all connections (16 by default). */
  concurrency?: number;
  /** Waits before posting again after a retriable failure (throttling): one retry per entry. */
  retryDelaysMs?: readonly number[];
}

export interface BroadcastResult {
  /** Messages posted. */
  sent: number;
  /** Connections found gone (410) and forgotten. */
  gone: number;
  /** Messages one connection could not take (after retries); the others got theirs. */
  failed: number;
}

const DEFAULT_CONCURRENCY = 16;
const DEFAULT_RETRY_DELAYS_MS = [100, 400];

type PostOutcome = SendOutcome | { failed: unknown; retriable: boolean };

/**
 * Fans processed-stream records out to dashboard connections. A record's partition key is its
 * topic (a match id or `matches`) and its data is the JSON message, sent as is: one lookup per
 * topic, no parsing, no table scan.
 *
 * Each connection gets its messages in the batch's order, one post at a time, and at most
 * `concurrency` posts are in flight over all connections. A connection that is gone (410) is
 * forgotten (awaited) and gets nothing more. Any other failure concerns that one connection: it is
 * retried there when retriable, then logged and counted; it never fails the batch, which the
 * stream would then send again to every dashboard that already got it. Only when not one post
 * succeeded and every failure was retriable (the Management API unreachable, say) does `deliver`
 * throw, so the stream retries a batch nobody received.
 */
export class Broadcaster {
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly deps: BroadcasterDeps) {
    this.concurrency = Math.max(1, deps.concurrency ?? DEFAULT_CONCURRENCY);
    this.retryDelaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** @throws PipelineError `BROADCAST_FAILED` (retriable) when every post failed retriably. */
  async deliver(records: readonly ConsumedRecord[]): Promise<BroadcastResult> {
    const { registry, metrics } = this.deps;
    const subscribersByTopic = new Map<string, readonly string[]>();
    const messagesByConnection = new Map<string, (Uint8Array | string)[]>();
    for (const record of records) {
      let subscribers = subscribersByTopic.get(record.partitionKey);
      if (!subscribers) {
        subscribers = await registry.subscribers(record.partitionKey);
        subscribersByTopic.set(record.partitionKey, subscribers);
      }
      for (const connectionId of subscribers) {
        const messages = messagesByConnection.get(connectionId) ?? [];
        if (messages.length === 0) messagesByConnection.set(connectionId, messages);
        messages.push(record.data);
      }
    }

    const result: BroadcastResult = { sent: 0, gone: 0, failed: 0 };
    let firstFailure: { error: unknown } | undefined;
    let allFailuresRetriable = true;
    const connections = [...messagesByConnection].map(([connectionId, messages]) => ({
      connectionId,
      messages,
    }));
    await forEachBounded(connections, this.concurrency, async ({ connectionId, messages }) => {
      for (const message of messages) {
        const outcome = await this.post(connectionId, message);
        if (outcome === 'sent') {
          result.sent += 1;
        } else if (outcome === 'gone') {
          result.gone += 1;
          await this.forget(connectionId);
          return;
        } else {
          result.failed += 1;
          firstFailure ??= { error: outcome.failed };
          allFailuresRetriable &&= outcome.retriable;
        }
      }
    });

    metrics.count('broadcast_messages', result.sent);
    if (result.gone > 0) metrics.count('broadcast_gone', result.gone);
    if (result.failed > 0) metrics.count('broadcast_failed', result.failed);
    if (firstFailure && result.sent === 0 && allFailuresRetriable)
      throw new PipelineError('BROADCAST_FAILED', 'no dashboard connection could be posted to', true, {
        cause: firstFailure.error,
      });
    return result;
  }

  /** One message to one connection, retried after a retriable failure; bugs are thrown. */
  private async post(connectionId: string, message: Uint8Array | string): Promise<PostOutcome> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.deps.sender.send(connectionId, message);
      } catch (error) {
        if (isProgrammerError(error)) throw error;
        const retriable = error instanceof PipelineError && error.retriable;
        const delay = this.retryDelaysMs[attempt];
        if (!retriable || delay === undefined) {
          this.deps.logger.warn('post to dashboard connection failed', { connectionId, retriable, error });
          return { failed: error, retriable };
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Forgets a gone connection. A failure is logged, not thrown: the next post finds it gone again. */
  private async forget(connectionId: string): Promise<void> {
    const { registry, logger } = this.deps;
    logger.info('dashboard connection gone', { connectionId });
    try {
      await registry.remove(connectionId);
    } catch (error) {
      if (isProgrammerError(error)) throw error;
      logger.warn('could not forget a gone dashboard connection', { connectionId, error });
    }
  }
}

/** Runs `run` on each item with at most `limit` runs in flight: `limit` lanes share one iterator. */
async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const lane = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await run(next.value);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
