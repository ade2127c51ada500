/**
 * `geqo up` checks its ports before it creates or starts anything, so a port in use ends the
 * start with one line naming it, not with a database started for nothing.
 */
import { createServer } from 'node:net';
import type { LocalConfig } from './config.ts';
import { embeddedDataDir, findRunningPostgres } from './postgres/embedded-postgres.ts';

export class PortInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortInUseError';
  }
}

/** Why `port` on `host` cannot be listened on (in use, not allowed), or null when it can. */
function portProblem(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' ? 'is in use' : `cannot be used (${error.code ?? error.message})`),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * Throws {@link PortInUseError} for the first of the HTTP, ingest and embedded PostgreSQL ports
 * that cannot be listened on (port 0, "any free port", always can). The PostgreSQL port is not
 * checked when the embedded server of this data folder already runs (it holds the port itself).
 */
export async function checkPortsFree(
  config: Pick<
    LocalConfig,
    'host' | 'httpPort' | 'ingestPort' | 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'
  >,
  postgresDataDir: string,
): Promise<void> {
  const checks: { port: number; host: string; what: string; flag: string }[] = [
    { port: config.httpPort, host: config.host, what: 'HTTP', flag: '--http-port' },
    { port: config.ingestPort, host: config.host, what: 'plugin ingest', flag: '--ingest-port' },
  ];
  if (!config.databaseUrl && findRunningPostgres(embeddedDataDir(postgresDataDir)) === null) {
    checks.push({
      port: config.embeddedPostgresPort,
      host: '127.0.0.1',
      what: 'embedded PostgreSQL',
      flag: '--pg-port',
    });
  }
  for (const { port, host, what, flag } of checks) {
    if (port === 0) continue;
    const problem = await portProblem(port, host);
    if (problem !== null) {
      throw new PortInUseError(`port ${port} (${what}) ${problem}: stop what holds it or pass ${flag}`);
    }
  }
}
