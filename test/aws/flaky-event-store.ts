import type { EventStore, ServerSnapshot, WorkerWrite } from '../../shared/ports/index.ts';

/**
 * The real event store with a switch to make its next commits fail the way a dropped database
 * connection does (a plain `Error`, which the worker treats as transient), so a test can watch the
 * stream redeliver a batch.
 */
export class FlakyEventStore implements EventStore {
  private failuresLeft = 0;
  /** Commits refused so far. */
  failedCommits = 0;

  constructor(private readonly store: EventStore) {}

  /** Makes the next `times` commits fail before they reach the database. */
  failNextCommits(times: number): void {
    this.failuresLeft = times;
  }

  loadSnapshots(serverIds: readonly string[]): Promise<Map<string, ServerSnapshot>> {
    return this.store.loadSnapshots(serverIds);
  }

  async commit(write: WorkerWrite): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      this.failedCommits += 1;
      throw new Error('Connection terminated unexpectedly');
    }
    await this.store.commit(write);
  }
}
