import type { ServerRecord, ServerRepository } from '../../ports/index.ts';
import { issueToken, parseToken, secretMatches } from './server-token.ts';

export type AuthResult =
  | { ok: true; serverId: string; name: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'mismatch' };

/** Adding, listing, revoking and authenticating game servers. */
export class ServerRegistry {
  private readonly revocationListeners = new Set<(serverId: string) => void>();

  constructor(private readonly repository: ServerRepository) {}

  /** Creates a server; the returned token is the only time its secret is seen. */
  async add(name: string): Promise<{ serverId: string; name: string; token: string }> {
    const issued = issueToken();
    await this.repository.insert({
      id: issued.serverId,
      name,
      tokenHash: issued.tokenHash,
      createdAt: Date.now(),
      revokedAt: null,
    });
    return { serverId: issued.serverId, name, token: issued.token };
  }

  list(): Promise<ServerRecord[]> {
    return this.repository.list();
  }

  /**
   * Revokes a server. Listeners in this process hear of it at once; other processes sharing the
   * database learn it from {@link revokedAmong}.
   */
  async revoke(serverId: string): Promise<boolean> {
    const found = await this.repository.revoke(serverId, Date.now());
    if (found) {
      for (const listener of this.revocationListeners) {
        try {
          listener(serverId);
        } catch {
          // A listener's failure is its own; the revocation is stored.
        }
      }
    }
    return found;
  }

  /** Calls `listener` with each server revoked through this registry; returns the unsubscribe. */
  onRevoked(listener: (serverId: string) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  /** Of these server ids, the ones revoked now (by any process sharing the database). */
  async revokedAmong(serverIds: readonly string[]): Promise<string[]> {
    if (serverIds.length === 0) return [];
    if (this.repository.revokedAmong) return this.repository.revokedAmong(serverIds);
    const found = await Promise.all(serverIds.map((id) => this.repository.find(id)));
    return found.flatMap((server) => (server && server.revokedAt !== null ? [server.id] : []));
  }

  async authenticate(token: string | null | undefined): Promise<AuthResult> {
    const parsed = token ? parseToken(token.trim()) : null;
    if (!parsed) return { ok: false, reason: 'malformed' };
    const server = await this.repository.find(parsed.serverId);
    if (!server) return { ok: false, reason: 'unknown' };
    if (!secretMatches(parsed.secret, server.tokenHash)) return { ok: false, reason: 'mismatch' };
    if (server.revokedAt !== null) return { ok: false, reason: 'revoked' };
    return { ok: true, serverId: server.id, name: server.name };
  }
}
