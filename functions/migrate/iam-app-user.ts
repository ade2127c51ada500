import type pg from 'pg';

/** A PostgreSQL identifier: the role names come from the stack, never from a request, but still. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The login role the functions use with IAM authentication when they reach Aurora directly
 * (small profile, no RDS Proxy): `rds_iam` makes RDS accept an IAM token as its password, and
 * granting it the schema owner's role (with every session set to that role) lets it do what the
 * owner does while everything it creates stays the owner's. The owner keeps its password, which
 * the migrations use: a role given `rds_iam` can no longer log in with one.
 */
export async function ensureIamAppUser(pool: pg.Pool, appUser: string, owner: string): Promise<void> {
  for (const name of [appUser, owner]) {
    if (!IDENTIFIER.test(name)) throw new RangeError(`not a plain role name: ${name}`);
  }
  await pool.query(`DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${appUser}') THEN
    CREATE ROLE ${appUser} LOGIN;
  END IF;
END $$`);
  await pool.query(`GRANT rds_iam TO ${appUser}`);
  await pool.query(`GRANT ${owner} TO ${appUser}`);
  await pool.query(`ALTER ROLE ${appUser} SET role = '${owner}'`);
}
