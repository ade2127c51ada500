/**
 * The IAM login role of the small profile, on real PostgreSQL, made as RDS's master user would
 * make it (CREATEROLE, not a superuser, allowed to grant a stand-in `rds_iam`): the migrations that
 * follow create tables the app role owns, and the app role logs in and works with them.
 */
import { createPool, migrate } from '@geqo/shared/adapters/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { ensureIamAppUser } from './iam-app-user.ts';

describe('ensureIamAppUser', () => {
  let database: TestDatabase;
  let admin: ReturnType<typeof createPool>;
  const suffix = Math.random().toString(36).slice(2, 8);
  const owner = `geqo_owner_${suffix}`;
  const appUser = `geqo_app_${suffix}`;
  const asRole = (role: string) => {
    const url = new URL(database.url);
    url.username = role;
    url.password = 'probe';
    return createPool(url.toString(), { max: 1 });
  };

  beforeAll(async () => {
    database = await createTestDatabase('geqo_fn_iam_user');
    admin = createPool(database.url, { max: 1 });
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF;
    END $$`);
    // RDS's master user: CREATEROLE, no superuser, may grant rds_iam, owns the database's schema.
    await admin.query(`CREATE ROLE ${owner} LOGIN CREATEROLE PASSWORD 'probe'`);
    await admin.query(`GRANT rds_iam TO ${owner} WITH ADMIN OPTION`);
    await admin.query(`GRANT ALL ON SCHEMA public TO ${owner} WITH GRANT OPTION`);
    await admin.query(`GRANT CREATE ON DATABASE "${new URL(database.url).pathname.slice(1)}" TO ${owner}`);
  });

  afterAll(async () => {
    await admin.query(`DROP OWNED BY ${appUser}, ${owner}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${appUser}`);
    await admin.query(`DROP ROLE IF EXISTS ${owner}`);
    await admin.end();
    await database.drop();
  });

  it('makes the role once, as the owner, and the migrations then create what it owns and uses', async () => {
    // Prepare
    const asOwner = asRole(owner);
    try {
      // Act: twice, as every deploy does, each followed by the migrations
      await ensureIamAppUser(asOwner, appUser, owner);
      await migrate(asOwner);
      await ensureIamAppUser(asOwner, appUser, owner);
      const report = await migrate(asOwner);
      // Assess
      expect(report.applied).toEqual([]);
    } finally {
      await asOwner.end();
    }
    const members = await admin.query<{ role: string }>(
      `SELECT r.rolname AS role FROM pg_auth_members m
         JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
        WHERE u.rolname = $1`,
      [appUser],
    );
    expect(members.rows.map((r) => r.role)).toEqual(['rds_iam']);
    const owners = await admin.query<{ owner: string }>(
      "SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(owners.rows).toEqual([{ owner: appUser }]);
    // Aurora takes an IAM token as the app role's password; the test server takes a password.
    await admin.query(`ALTER ROLE ${appUser} PASSWORD 'probe'`);
    const asApp = asRole(appUser);
    try {
      await asApp.query('CREATE TABLE iam_user_probe (id int)');
      const servers = await asApp.query<{ n: string }>('SELECT count(*) AS n FROM servers');
      expect(Number(servers.rows[0]?.n)).toBe(0);
    } finally {
      await asApp.end();
    }
  });

  it('refuses a role name that is not a plain identifier', async () => {
    await expect(ensureIamAppUser(admin, 'x; DROP TABLE y', owner)).rejects.toBeInstanceOf(RangeError);
  });
});
