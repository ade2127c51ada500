import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '@geqo/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../test/helpers/database.ts';
import { createDatabaseListingTimescale } from '../../test/helpers/timescale-listing.ts';
import { openDatabase } from './database.ts';

/** A logger that keeps its lines. */
function recordingLogger(lines: { level: string; message: string; fields?: LogFields }[]): Logger {
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

describe('openDatabase on a server that lists TimescaleDB but cannot create it', () => {
  let database: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    database = await createDatabaseListingTimescale();
    dataDir = await mkdtemp(join(tmpdir(), 'geqo-timescale-'));
  });

  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says in one line why it falls back to native range partitions, and opens', async () => {
    // Prepare
    const lines: { level: string; message: string; fields?: LogFields }[] = [];

    // Act
    const opened = await openDatabase(
      { databaseUrl: database.url, dataDir, embeddedPostgresPort: 0 },
      recordingLogger(lines),
    );
    await opened.close();

    // Assess
    const fallback = lines.filter((line) => line.message.includes('TimescaleDB'));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]?.message).toBe(
      'TimescaleDB is listed but cannot be created; game_events uses native range partitions',
    );
    expect(String(fallback[0]?.fields?.reason)).toMatch(/timescaledb/);
    expect(lines.find((line) => line.message === 'database ready')?.fields).toMatchObject({
      timescale: false,
      partitioning: 'native range partitions',
    });
  });
});
