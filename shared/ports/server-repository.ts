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
  /** Of these ids, the revoked ones, in one query (without it, the registry finds each). */
  revokedAmong?(ids: readonly string[]): Promise<string[]>;
}
