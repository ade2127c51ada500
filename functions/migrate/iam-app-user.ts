import type pg from 'pg';

/** A PostgreSQL identifier: the role names come from the stack, never from a request, but still. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The login role the functions use with IAM authentication when they reach Aurora directly
 * (small profile, no RDS Proxy), made by the cluster's owner before the migrations run. `rds_iam`
 * makes RDS take an IAM token as its password (and refuse a password: so the owner, whose
 * generated password the migrations use, cannot have it). The app role owns the schema: the
 * owner is made a member and its sessions run as the app role, so every table and partition the
 * migrations create belongs to the role the functions log in as (the worker, for one, creates
 * partitions, which only a table's owner may). It needs no superuser: a role with CREATEROLE
 * administers the roles it creates, and RDS's master user may grant `rds_iam`.
 */
export async function ensureIamAppUser(pool: pg.Pool, appUser: string, owner: string): Promise<void> {
  for (const name of [appUser, owner]) {
    if (!IDENTIFIER.test(name)) throw new RangeError(`not a plain role name: ${name}`);
  }
  // A session of the owner runs as the app role once this has run before: act as the owner again.
  await pool.query(`SET ROLE ${owner}`);
  await pool.query(`DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${appUser}') THEN
    CREATE ROLE ${appUser} LOGIN;
  END IF;
END $$`);
  await pool.query(`GRANT rds_iam TO ${appUser}`);
  await pool.query(`GRANT ${appUser} TO ${owner}`);
  await pool.query(`GRANT CREATE ON SCHEMA public TO ${appUser}`);
  // Every later session of the owner runs as the app role; the pool's current ones too (one
  // connection: the migrations pool has a single client).
  await pool.query(`ALTER ROLE ${owner} SET role = '${appUser}'`);
  await pool.query(`SET ROLE ${appUser}`);
}
