export { PostgresConnectionRegistry } from './connection-registry.ts';
export { PostgresDeadLetterStore } from './dead-letter-store.ts';
export { insertDeadLetters, PostgresEventStore } from './event-store.ts';
export { PostgresIngestChannelStore } from './ingest-channel-store.ts';
export { abandonIdleMatches } from './match-abandonment.ts';
export { matchExistsIn } from './match-exists.ts';
export { PostgresMatchQueries } from './match-queries.ts';
export { PostgresMatchStatsStore } from './match-stats-store.ts';
export {
  detectCapabilities,
  type ExtensionTrial,
  type MigrationReport,
  migrate,
  tryExtension,
} from './migrate.ts';
export { commitPositionsStatement, PostgresPartitionOwnership } from './partition-ownership.ts';
export { EventPartitions } from './partitions.ts';
export { createPool, inTransaction } from './pool.ts';
export { PostgresServerRepository } from './server-repository.ts';
export { PostgresStatsQueries } from './stats-queries.ts';
export {
  type AppendListener,
  type CommittedRecord,
  type CommittedRecords,
  PostgresStream,
  PostgresStreamConsumer,
} from './stream.ts';
