import { initialSchema } from './0001-initial.ts';
import { gameEvents } from './0002-game-events.ts';
import { matchStats } from './0003-match-stats.ts';
import { ingestChannels } from './0004-ingest-channels.ts';
import { snapshotJson } from './0005-snapshot-json.ts';
import { positionSamples } from './0006-position-samples.ts';
import { snapshotInline } from './0007-snapshot-inline.ts';
import { partitionOwners } from './0008-partition-owners.ts';
import { streamRecordsExternal } from './0009-stream-records-external.ts';
import { playedEventsIndex } from './0010-played-events-index.ts';
import type { Migration } from './migration.ts';

export type { DatabaseCapabilities, Migration } from './migration.ts';

/** Every migration, in version order. Never edit one that has shipped: add the next. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  gameEvents,
  matchStats,
  ingestChannels,
  snapshotJson,
  positionSamples,
  snapshotInline,
  partitionOwners,
  streamRecordsExternal,
  playedEventsIndex,
];
