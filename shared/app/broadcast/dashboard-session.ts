import type { ConnectionRegistry } from '../../ports/index.ts';

/** The topic every dashboard can follow for the match list (match started, score, finished). */
export const MATCHES_TOPIC = 'matches';

export type DashboardRequest =
  | { action: 'subscribe' | 'unsubscribe'; matchId: string }
  | { action: 'subscribe' | 'unsubscribe'; topic: string };

export type DashboardReply =
  | { type: 'subscribed' | 'unsubscribed'; topic: string }
  | { type: 'error'; code: string; message: string };

function parseRequest(text: string): DashboardRequest | DashboardReply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { type: 'error', code: 'BAD_JSON', message: 'messages are JSON objects' };
  }
  if (typeof body !== 'object' || body === null) {
    return { type: 'error', code: 'BAD_REQUEST', message: 'messages are JSON objects' };
  }
  const { action, matchId, topic } = body as Record<string, unknown>;
  if (action !== 'subscribe' && action !== 'unsubscribe') {
    return { type: 'error', code: 'BAD_ACTION', message: 'action must be "subscribe" or "unsubscribe"' };
  }
  if (typeof matchId === 'string' && matchId.length > 0 && matchId.length <= 200) return { action, matchId };
  if (topic === MATCHES_TOPIC) return { action, topic };
  return { type: 'error', code: 'BAD_TOPIC', message: `give a "matchId" or "topic": "${MATCHES_TOPIC}"` };
}

/** Handles one message from a dashboard connection: subscribe or unsubscribe. */
export async function handleDashboardMessage(
  registry: ConnectionRegistry,
  connectionId: string,
  text: string,
): Promise<DashboardReply> {
  const request = parseRequest(text);
  if ('type' in request) return request;
  const topic = 'matchId' in request ? request.matchId : request.topic;
  if (request.action === 'subscribe') {
    await registry.subscribe(connectionId, topic);
    return { type: 'subscribed', topic };
  }
  await registry.unsubscribe(connectionId, topic);
  return { type: 'unsubscribed', topic };
}
