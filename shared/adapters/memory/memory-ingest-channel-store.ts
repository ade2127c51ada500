import type { IngestChannelName, IngestChannelRecord, IngestChannelStore } from '../../ports/index.ts';

/**
 * Ingest channels in memory (tests, `--stream memory`): the same conditional-save contract as the
 * PostgreSQL store, nothing kept across a restart.
 */
export class MemoryIngestChannelStore implements IngestChannelStore {
  private readonly records = new Map<string, IngestChannelRecord>();

  async load(serverId: string, channel: IngestChannelName): Promise<IngestChannelRecord | null> {
    const record = this.records.get(`${serverId}/${channel}`);
    return record === undefined ? null : structuredClone(record);
  }

  async save(record: IngestChannelRecord): Promise<boolean> {
    const key = `${record.serverId}/${record.channel}`;
    const storedVersion = this.records.get(key)?.version ?? 0;
    if (storedVersion !== record.version - 1) return false;
    this.records.set(key, structuredClone(record));
    return true;
  }

  async clearPending(serverId: string, channel: IngestChannelName, version: number): Promise<void> {
    const record = this.records.get(`${serverId}/${channel}`);
    if (record?.version === version) record.pending = [];
  }

  async listPending(limit: number): Promise<IngestChannelRecord[]> {
    return [...this.records.values()]
      .filter((record) => record.pending.length > 0)
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .slice(0, limit)
      .map((record) => structuredClone(record));
  }
}
