import { storedFormJson } from '../../domain/events/index.ts';
import type { EventStore, ServerSnapshot, WorkerWrite } from '../../ports/index.ts';

/** An event store that keeps what the worker would write (no database: this is the worker's logic). */
export class CapturingStore implements EventStore {
  readonly writes: WorkerWrite[] = [];
  readonly snapshots = new Map<string, ServerSnapshot>();

  async loadSnapshots(serverIds: readonly string[]): Promise<Map<string, ServerSnapshot>> {
    return new Map(
      serverIds.flatMap((id) => (this.snapshots.has(id) ? [[id, this.snapshots.get(id)!]] : [])),
    );
  }

  async commit(write: WorkerWrite): Promise<void> {
    this.writes.push(write);
    for (const snapshot of write.snapshots)
      this.snapshots.set(snapshot.serverId, {
        serverId: snapshot.serverId,
        state: JSON.parse(snapshot.stateJson),
        position: snapshot.position,
      });
  }

  /** Every event written: its key, enrichment and stored JSON. */
  stored(): { key: unknown; type: string; enrichment: unknown; json: string }[] {
    return this.writes.flatMap((write) =>
      write.events.map(({ key, event, enrichment }, i) => ({
        key,
        type: event.type,
        enrichment,
        json: write.eventJson?.[i] ?? storedFormJson(event),
      })),
    );
  }
}
