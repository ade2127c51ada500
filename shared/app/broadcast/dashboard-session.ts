import type { ConnectionRegistry } from '../../ports/index.ts';

/** The topic every dashboard can follow for the match list (match started, score, finished). */
export const MATCHES_TOPIC = 'matches';

/** The longest message a dashboard may send (a subscribe request is well under 300 characters). */
export const MAX_DASHBOARD_MESSAGE_CHARS = 4 * 1024;

export type DashboardRequest =
  | { action: 'subscribe' | 'unsubscribe'; matchId: string }
  | { action: 'subscribe' | 'unsubscribe'; topic: string }
  /**
   * Keeps an idle connection open: API Gateway closes a WebSocket that carries no message for
   * 10 minutes, and a dashboard that only listens would otherwise be dropped that often.
   */
  | { action: 'ping' };

export type DashboardReply =
  | { type: 'subscribed' | 'unsubscribed'; topic: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; topic?: string };

/** What a dashboard may subscribe to, beyond a well-formed request. */
export interface DashboardRules {
  /**
   * Whether a match id names a stored match; a subscription to any other gets UNKNOWN_MATCH (so a
   * client cannot make the server follow topics nobody will ever publish).
   */
  matchExists?: (matchId: string) => Promise<boolean>;
  /** The most topics one connection may follow; past it, TOO_MANY_SUBSCRIPTIONS. */
  maxSubscriptions?: number;
  /**
   * A budget of match ids that turn out unknown (per remote address): while it is spent, a
   * subscription to a match gets RATE_LIMITED without a query. Stored matches cost nothing from it
   * (subscriptions are bounded anyway); the `matches` topic and repeats never need a lookup.
   */
  unknownLookups?: { available(): boolean; spend(): void };
  /**
   * Whether a match id is already known to be stored (announced, or found before): such a
   * subscription needs neither a lookup nor the budget, so a client spending its address's budget
   * on made-up ids cannot keep a viewer at the same address (behind the same proxy) off a live match.
   */
  knownMatch?: (matchId: string) => boolean;
}

function parseRequest(text: string): DashboardRequest | DashboardReply {
  if (text.length > MAX_DASHBOARD_MESSAGE_CHARS) {
    return {
      type: 'error',
      code: 'MESSAGE_TOO_LARGE',
      message: `messages are at most ${MAX_DASHBOARD_MESSAGE_CHARS} characters`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { type: 'error', code: 'BAD_JSON', message: 'messages are JSON objects' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { type: 'error', code: 'BAD_REQUEST', message: 'messages are JSON objects' };
  }
  const { action, matchId, topic } = body as Record<string, unknown>;
  if (action === 'ping') return { action };
  if (action !== 'subscribe' && action !== 'unsubscribe') {
    return {
      type: 'error',
      code: 'BAD_ACTION',
      message: 'action must be "subscribe", "unsubscribe" or "ping"',
    };
  }
  if (typeof matchId === 'string' && matchId.length > 0 && matchId.length <= 200) return { action, matchId };
  if (topic === MATCHES_TOPIC) return { action, topic };
  return { type: 'error', code: 'BAD_TOPIC', message: `give a "matchId" or "topic": "${MATCHES_TOPIC}"` };
}

type TopicRequest = Exclude<DashboardRequest, { action: 'ping' }>;

const topicOf = (request: TopicRequest) => ('matchId' in request ? request.matchId : request.topic);

async function unknownMatch(request: TopicRequest, rules: DashboardRules): Promise<DashboardReply | null> {
  if (!('matchId' in request) || !rules.matchExists) return null;
  if (rules.knownMatch?.(request.matchId)) return null;
  if (rules.unknownLookups && !rules.unknownLookups.available()) {
    return {
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'too many match subscriptions from this address; try again in a second',
      topic: request.matchId,
    };
  }
  if (await rules.matchExists(request.matchId)) return null;
  rules.unknownLookups?.spend();
  return {
    type: 'error',
    code: 'UNKNOWN_MATCH',
    message: `no match "${request.matchId}"`,
    topic: request.matchId,
  };
}

/**
 * Handles one message from a dashboard connection that keeps no state between messages (the
 * Lambda wiring): subscribe or unsubscribe. The per-connection limit needs {@link DashboardSession}.
 */
export async function handleDashboardMessage(
  registry: ConnectionRegistry,
  connectionId: string,
  text: string,
  rules: DashboardRules = {},
): Promise<DashboardReply> {
  const request = parseRequest(text);
  if ('type' in request) return request;
  if (request.action === 'ping') return { type: 'pong' };
  const topic = topicOf(request);
  if (request.action === 'subscribe') {
    const refused = await unknownMatch(request, rules);
    if (refused) return refused;
    await registry.subscribe(connectionId, topic);
    return { type: 'subscribed', topic };
  }
  await registry.unsubscribe(connectionId, topic);
  return { type: 'unsubscribed', topic };
}

/**
 * One dashboard connection that stays in this process (the local `/ws`): it knows the topics it
 * follows, so it holds them to {@link DashboardRules.maxSubscriptions} and answers a repeated
 * subscription without asking anyone. Give it one message at a time.
 */
export class DashboardSession {
  private readonly topics = new Set<string>();

  constructor(
    private readonly registry: ConnectionRegistry,
    readonly connectionId: string,
    private readonly rules: DashboardRules = {},
  ) {}

  /** How many topics this connection follows. */
  get subscriptions(): number {
    return this.topics.size;
  }

  async handle(text: string): Promise<DashboardReply> {
    const request = parseRequest(text);
    if ('type' in request) return request;
    if (request.action === 'ping') return { type: 'pong' };
    const topic = topicOf(request);
    if (request.action === 'unsubscribe') {
      this.topics.delete(topic);
      await this.registry.unsubscribe(this.connectionId, topic);
      return { type: 'unsubscribed', topic };
    }
    if (this.topics.has(topic)) return { type: 'subscribed', topic };
    const max = this.rules.maxSubscriptions;
    if (max !== undefined && this.topics.size >= max) {
      return {
        type: 'error',
        code: 'TOO_MANY_SUBSCRIPTIONS',
        message: `a connection follows at most ${max} topics; unsubscribe from one first`,
        topic,
      };
    }
    const refused = await unknownMatch(request, this.rules);
    if (refused) return refused;
    await this.registry.subscribe(this.connectionId, topic);
    this.topics.add(topic);
    return { type: 'subscribed', topic };
  }

  /** Forgets the connection and everything it followed. */
  async close(): Promise<void> {
    this.topics.clear();
    await this.registry.remove(this.connectionId);
  }
}
