/**
 * Dashboard subscriptions: which connection follows which topic (a match id, or `matches` for
 * the match list). Looked up by topic, never by scanning every connection.
 */
export interface ConnectionRegistry {
  subscribe(connectionId: string, topic: string): Promise<void>;
  unsubscribe(connectionId: string, topic: string): Promise<void>;
  /** Forgets a connection and all its subscriptions. */
  remove(connectionId: string): Promise<void>;
  subscribers(topic: string): Promise<readonly string[]>;
}

export type SendOutcome = 'sent' | 'gone';

/** Delivers one message to one dashboard connection (a local socket, or API Gateway's PostToConnection). */
export interface ConnectionSender {
  send(connectionId: string, message: Uint8Array | string): Promise<SendOutcome>;
}
