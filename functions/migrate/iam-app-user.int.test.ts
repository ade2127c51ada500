/**
 * The IAM login role of the small profile, on real PostgreSQL (with a stand-in `rds_iam` role, as
 * Aurora has): it logs in as itself, works as the schema owner, and what it creates is the owner's.
 */
import { createPool } from '@geqo/shared/adapters/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { ensureIamAppUser } from './iam-app-user.ts';

describe('ensureIamAppUser', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  const suffix = Math.random().toString(36).slice(2, 8);
  const owner = `geqo_owner_${suffix}`;
  const appUser = `geqo_app_${suffix}`;

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_iam_user');
    pool = createPool(database.url, { max: 1 });
    await pool.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF;
    END $$`);
    await pool.query(`CREATE ROLE ${owner} LOGIN`);
    await pool.query(`GRANT ALL ON SCHEMA public TO ${owner}`);
  });

  afterAll(async () => {
    await pool.query(`DROP OWNED BY ${owner}, ${appUser}`).catch(() => undefined);
    await pool.query(`DROP ROLE IF EXISTS ${appUser}`);
    await pool.query(`DROP ROLE IF EXISTS ${owner}`);
    await pool.end();
    await database.drop();
  });

  it('creates the role once, with rds_iam, and its sessions act as the owner', async () => {
    // Act: twice, as every deploy does
    await ensureIamAppUser(pool, appUser, owner);
    await ensureIamAppUser(pool, appUser, owner);
    // Assess
    const members = await pool.query<{ role: string }>(
      `SELECT r.rolname AS role FROM pg_auth_members m
         JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
        WHERE u.rolname = $1 ORDER BY 1`,
      [appUser],
    );
    expect(members.rows.map((r) => r.role)).toEqual([owner, 'rds_iam'].sort());
    // Aurora takes an IAM token; the test server takes a password.
    await pool.query(`ALTER ROLE ${appUser} PASSWORD 'probe'`);
    const url = new URL(database.url);
    url.username = appUser;
    url.password = 'probe';
    const asApp = createPool(url.toString(), { max: 1 });
    try {
      await asApp.query('CREATE TABLE iam_user_probe (id int)');
      const made = await asApp.query<{ owner: string; current: string }>(
        "SELECT tableowner AS owner, current_user AS current FROM pg_tables WHERE tablename = 'iam_user_probe'",
      );
      expect(made.rows[0]).toEqual({ owner, current: owner });
    } finally {
      await asApp.end();
    }
  });

  it('refuses a role name that is not a plain identifier', async () => {
    await expect(ensureIamAppUser(pool, 'x; DROP TABLE y', owner)).rejects.toBeInstanceOf(RangeError);
  });
});
