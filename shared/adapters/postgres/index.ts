export { PostgresConnectionRegistry } from './connection-registry.ts';
export { insertDeadLetters, PostgresEventStore } from './event-store.ts';
export { PostgresMatchQueries } from './match-queries.ts';
export { detectCapabilities, type MigrationReport, migrate } from './migrate.ts';
export { EventPartitions } from './partitions.ts';
export { createPool, inTransaction } from './pool.ts';
export { PostgresServerRepository } from './server-repository.ts';
export { PostgresStream, PostgresStreamConsumer } from './stream.ts';
