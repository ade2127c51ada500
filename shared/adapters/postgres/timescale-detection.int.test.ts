import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { createDatabaseListingTimescale } from '../../../test/helpers/timescale-listing.ts';
import { detectCapabilities, migrate, tryExtension } from './migrate.ts';
import { createPool, withClient } from './pool.ts';

describe('TimescaleDB detection', () => {
  let plain: TestDatabase;
  let listing: TestDatabase;

  beforeAll(async () => {
    [plain, listing] = await Promise.all([createTestDatabase(), createDatabaseListingTimescale()]);
  });

  afterAll(async () => {
    await Promise.all([plain?.drop(), listing?.drop()]);
  });

  it('tries an extension the server can create and leaves nothing installed, and names why one cannot be', async () => {
    // Prepare
    const pool = createPool(plain.url, { max: 1 });

    // Act
    const [creatable, missing, installedAfter] = await withClient(pool, async (client) => [
      await tryExtension(client, 'hstore'),
      await tryExtension(client, 'timescaledb'),
      (await client.query(`SELECT extname FROM pg_extension WHERE extname = 'hstore'`)).rowCount,
    ]);

    // Assess
    expect(creatable).toEqual({ usable: true });
    expect(missing).toMatchObject({ usable: false, reason: expect.stringMatching(/timescaledb/) });
    expect(installedAfter).toBe(0);
    await pool.end();
  });

  it('does not count TimescaleDB that pg_available_extensions lists but CREATE EXTENSION refuses, and migrates to native partitions', async () => {
    // Prepare
    const pool = createPool(listing.url);
    const listed = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);

    // Act
    const capabilities = await withClient(pool, (client) => detectCapabilities(client));
    const report = await migrate(pool);

    // Assess: the listing alone (the old detection) would have chosen the hypertable and failed.
    expect(listed.rowCount).toBe(1);
    expect(capabilities).toMatchObject({
      timescale: false,
      timescaleRefused: expect.stringMatching(/timescaledb/),
    });
    expect(report.capabilities.timescale).toBe(false);
    const { rows } = await pool.query<{ relkind: string }>(
      `SELECT c.relkind FROM pg_class c WHERE c.relname = 'game_events' AND c.relnamespace = 'public'::regnamespace`,
    );
    expect(rows[0]?.relkind).toBe('p');
    await pool.end();
  });

  it('does not try to create TimescaleDB where the server does not list it', async () => {
    // Prepare
    const pool = createPool(plain.url, { max: 1 });

    // Act
    const capabilities = await withClient(pool, (client) => detectCapabilities(client));

    // Assess
    expect(capabilities).toEqual({ timescale: false });
    await pool.end();
  });
});
