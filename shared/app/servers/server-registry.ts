import { issueToken, parseToken, secretMatches } from './server-token.ts';

export interface ServerRecord {
  id: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

/** Persistence of game servers (PostgreSQL `servers`). */
export interface ServerRepository {
  insert(server: ServerRecord): Promise<void>;
  find(id: string): Promise<ServerRecord | null>;
  list(): Promise<ServerRecord[]>;
  /** Returns false when no such server exists. */
  revoke(id: string, at: number): Promise<boolean>;
}

export type AuthResult =
  | { ok: true; serverId: string; name: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'mismatch' };

/** Adding, listing, revoking and authenticating game servers. */
export class ServerRegistry {
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

  revoke(serverId: string): Promise<boolean> {
    return this.repository.revoke(serverId, Date.now());
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
