/** What the server offers that a migration may depend on. */
export interface DatabaseCapabilities {
  /** The TimescaleDB extension can really be created here (not merely listed as available). */
  timescale: boolean;
  /** Why TimescaleDB is not used although the server lists it (e.g. not in shared_preload_libraries). */
  timescaleRefused?: string;
}

export interface Migration {
  version: number;
  name: string;
  sql: string | ((capabilities: DatabaseCapabilities) => string);
}
