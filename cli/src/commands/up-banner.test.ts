import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { banner } from './up.ts';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const runtime = {
  roles: ['ingest', 'worker', 'broadcaster', 'api'] as const,
  ingestPort: 13_881,
  httpPort: 8_081,
  stop: async () => {},
};

describe('the banner of geqo up', () => {
  it('names the version, every door on the ports in use, the data folder and the database without its password', () => {
    // Act
    const text = banner(
      { host: '0.0.0.0', dataDir: '/root/geqo/.geqo' },
      {
        ...runtime,
        databaseUrl: 'postgres://postgres:s3cret@127.0.0.1:54330/geqo',
        postgresDataDir: '/var/lib/geqo/data-0123456789ab/postgres',
      },
    );

    // Assess
    expect(text).toContain(`Geqo Observer ${version} is up.`);
    expect(text).toContain('dashboard:   http://localhost:8081/');
    expect(text).toContain('REST API:    http://localhost:8081/v1/matches');
    expect(text).toContain('plugins:     ws://localhost:13881/');
    expect(text).toContain('log stream:  http://localhost:8081/v1/logs/<serverId>/<token>');
    expect(text).toContain(
      'data:        /root/geqo/.geqo (PostgreSQL data: /var/lib/geqo/data-0123456789ab/postgres)',
    );
    expect(text).toContain('database:    embedded postgres://postgres@127.0.0.1:54330/geqo');
    expect(text).not.toContain('s3cret');
  });

  it('shows a given database without its password', () => {
    // Act
    const text = banner(
      { host: '10.0.0.5', dataDir: '/srv/.geqo' },
      { ...runtime, databaseUrl: 'postgres://geqo:hunter2@db.internal:5432/geqo', postgresDataDir: null },
    );

    // Assess
    expect(text).toContain('database:    postgres://geqo@db.internal:5432/geqo');
    expect(text).toContain('dashboard:   http://10.0.0.5:8081/');
    expect(text).not.toContain('hunter2');
  });

  it('shows a process running some roles only the doors of those roles, its roles, and its health and metrics', () => {
    // Act
    const text = banner(
      { host: '0.0.0.0', dataDir: '/srv/.geqo' },
      {
        ...runtime,
        roles: ['worker'],
        ingestPort: null,
        databaseUrl: 'postgres://geqo:hunter2@db.internal:5432/geqo',
        postgresDataDir: null,
      },
    );

    // Assess
    expect(text).toContain('roles:       worker');
    expect(text).toContain('health:      http://localhost:8081/healthz  (metrics: /metrics)');
    expect(text).not.toContain('plugins:');
    expect(text).not.toContain('REST API:');
    expect(text).not.toContain('dashboard:');
  });
});
