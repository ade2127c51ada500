/** What the server offers that a migration may depend on. */
export interface DatabaseCapabilities {
  /** The TimescaleDB extension is installable here. */
  timescale: boolean;
}

export interface Migration {
  version: number;
  name: string;
  sql: string | ((capabilities: DatabaseCapabilities) => string);
}
