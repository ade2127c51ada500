/**
 * The roles one `geqo up` process can run (`--role`, `GEQO_ROLES`): all four by default, as one
 * process on one machine; on several machines each process runs some of them over a shared stream
 * engine and a shared PostgreSQL (README, "Run on several machines").
 *
 * - `ingest`: the plugin WebSocket port, and the CS2 log / webhook POST routes on the HTTP port;
 *   puts frames on the raw stream.
 * - `worker`: reads the raw stream (a member of the worker consumer group), writes PostgreSQL,
 *   publishes processed messages; runs the statistics job and the idle-match sweep.
 * - `broadcaster`: reads the processed stream and pushes it to the dashboards on `/ws`.
 * - `api`: the REST API (admin routes, dead letters, statistics) and the dashboard's files; it
 *   takes the CS2 log / webhook POSTs too, as the log URL `server add` hands out points at it.
 *
 * Every process opens the HTTP port (`/healthz`, `/metrics`, plus its roles' routes); only a
 * process with `ingest` opens the plugin port.
 */
import type { LocalConfig } from '../config.ts';

export const ROLES = ['ingest', 'worker', 'broadcaster', 'api'] as const;
export type Role = (typeof ROLES)[number];

/** Parses `ingest,worker`: names the unknown ones and an empty list in `problems`. */
export function parseRoles(raw: string, problems: string[], source = 'GEQO_ROLES'): Role[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    problems.push(
      `${source}: ${unknown.map((name) => `"${name}"`).join(', ')} not a role (${ROLES.join(', ')})`,
    );
  }
  if (names.length === 0) problems.push(`${source}: name at least one role (${ROLES.join(', ')})`);
  return ROLES.filter((role) => names.includes(role));
}

/** Whether this process runs every role (one process, as on one machine). */
export function runsAllRoles(roles: readonly Role[]): boolean {
  return ROLES.every((role) => roles.includes(role));
}

/**
 * What a process running only some roles needs, and lacks: the other roles run in other processes,
 * so the streams must be a shared engine and the database a shared PostgreSQL (`DATABASE_URL`),
 * not an embedded one in this process's data folder. The engine is Kafka; Kinesis where it
 * applies: `ingest` and `api` only put records on the raw stream, so they can feed a Kinesis
 * pipeline whose workers and broadcaster are elsewhere (the Lambda functions on AWS), but the
 * Kinesis reader of `geqo up` has no shard coordination between processes and no reader of the
 * processed stream, so `worker` and `broadcaster` cannot be split on it. Empty when fine.
 */
export function splitRoleProblems(config: Pick<LocalConfig, 'roles' | 'stream' | 'databaseUrl'>): string[] {
  if (runsAllRoles(config.roles)) return [];
  const problems: string[] = [];
  const roles = config.roles.join(',');
  const readers = config.roles.filter((role) => role === 'worker' || role === 'broadcaster');
  if (config.stream === 'kinesis' && readers.length > 0) {
    problems.push(
      `--role ${roles}: ${readers.join(' and ')} cannot run apart on Kinesis (the Kinesis reader of geqo up ` +
        'has no shard coordination between processes; on AWS the Lambda functions are the worker and ' +
        'the broadcaster): use --stream kafka with --brokers, or run only ingest and api here',
    );
  } else if (config.stream !== 'kafka' && config.stream !== 'kinesis') {
    problems.push(
      `--role ${roles} runs only part of the platform, so its streams must be shared with the other ` +
        `processes: use --stream kafka with --brokers (GEQO_STREAM=kafka, GEQO_KAFKA_BROKERS); ` +
        `"${config.stream}" is local to one process`,
    );
  }
  if (config.databaseUrl === null) {
    problems.push(
      `--role ${roles} needs the PostgreSQL the other processes use: set DATABASE_URL (or --database-url); ` +
        'the embedded PostgreSQL belongs to one process',
    );
  }
  return problems;
}
