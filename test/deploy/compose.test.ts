/**
 * compose.yaml and the Dockerfile, checked without Docker (no Docker here or in CI): the services
 * and their wiring, health checks and published ports, and that every geqo command they run is
 * one the CLI really accepts, with options it really has.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../local/src/config.ts';
import { parseRoles, ROLES, splitRoleProblems } from '../../local/src/roles/roles.ts';

const ROOT = resolve(import.meta.dirname, '../..');
// No YAML parser is a dependency of the project; aws-cdk-lib (a dev dependency) bundles one.
const YAML = createRequire(resolve(ROOT, 'node_modules/aws-cdk-lib/package.json'))('yaml') as {
  parse(text: string): unknown;
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = YAML.parse(readFileSync(resolve(ROOT, 'compose.yaml'), 'utf8')) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
const GEQO_UP_SERVICES = ['ingest', 'worker-1', 'worker-2', 'api'];

/** Compose's `${NAME:-default}` with the default. */
const withDefaults = (arg: string) => arg.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

describe('compose.yaml', () => {
  it('runs a KRaft Kafka broker and a TimescaleDB PostgreSQL, each with a health check', () => {
    const kafka = service('kafka');
    const postgres = service('postgres');
    expect(kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions.sh');
    expect(postgres.image).toMatch(/^timescale\/timescaledb:/);
    expect(postgres.healthcheck?.test).toContain('pg_isready');
  });

  it('makes the topics once with geqo kafka init, after the broker is healthy, before any geqo up', () => {
    const init = service('kafka-init');
    expect(init.build).toBe('.');
    expect(init.command?.slice(0, 4)).toEqual(['node', 'bin/geqo.mjs', 'kafka', 'init']);
    const partitions = init.command?.[init.command.indexOf('--partitions') + 1] ?? '';
    expect(Number(withDefaults(partitions))).toBeGreaterThan(1);
    expect(init.depends_on?.kafka?.condition).toBe('service_healthy');
    for (const name of GEQO_UP_SERVICES) {
      expect(service(name).depends_on).toMatchObject({
        'kafka-init': { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
      });
    }
  });

  it('runs one ingest, two workers and one API, each geqo up on Kafka and PostgreSQL, health-checked on /healthz', () => {
    for (const name of GEQO_UP_SERVICES) {
      const up = service(name);
      expect(up.image).toBe(service('kafka-init').image);
      expect(up.command?.slice(0, 3)).toEqual(['node', 'bin/geqo.mjs', 'up']);
      expect(up.environment).toMatchObject({ GEQO_STREAM: 'kafka', GEQO_KAFKA_BROKERS: 'kafka:9092' });
      expect(String(up.environment?.DATABASE_URL)).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(up.healthcheck?.test.join(' ')).toContain('/healthz');
    }
  });

  it('gives each geqo up its roles, together all four, each with what split roles need (Kafka, DATABASE_URL)', () => {
    const rolesOf = (name: string) => {
      const command = service(name).command ?? [];
      const problems: string[] = [];
      const roles = parseRoles(command[command.indexOf('--role') + 1] ?? '', problems);
      expect(problems, name).toEqual([]);
      return roles;
    };
    expect(rolesOf('ingest')).toEqual(['ingest']);
    expect(rolesOf('worker-1')).toEqual(['worker']);
    expect(rolesOf('worker-2')).toEqual(['worker']);
    expect(rolesOf('api')).toEqual(['broadcaster', 'api']);
    expect(new Set(GEQO_UP_SERVICES.flatMap(rolesOf))).toEqual(new Set(ROLES));
    for (const name of GEQO_UP_SERVICES) {
      const environment = Object.fromEntries(
        Object.entries(service(name).environment ?? {}).map(([key, value]) => [
          key,
          withDefaults(String(value)),
        ]),
      );
      expect(splitRoleProblems(loadConfig(environment, { roles: rolesOf(name) })), name).toEqual([]);
    }
  });

  it('publishes the plugin port 13880 on ingest and the HTTP port 8080 on the API, nothing on the workers', () => {
    expect(service('ingest').ports).toEqual(['13880:13880']);
    expect(service('api').ports).toEqual(['8080:8080']);
    expect(service('worker-1').ports).toBeUndefined();
    expect(service('worker-2').ports).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  it('builds on node:22-slim and runs geqo up from bin/geqo.mjs by default, with a /healthz health check', () => {
    const from = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(from.every((image) => image === 'node:22-slim')).toBe(true);
    const cmd = dockerfile.match(/^CMD (.+)$/m)?.[1] ?? '';
    expect(JSON.parse(cmd)).toEqual(['node', 'bin/geqo.mjs', 'up']);
    expect(dockerfile).toMatch(/^EXPOSE 13880 8080$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('copies the package.json of every workspace before npm ci, so each workspace package is linked in the image', () => {
    // Prepare: the workspaces (test-support too: geqo replay --synthetic loads it at run time).
    const { workspaces } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const install = dockerfile.indexOf('RUN npm ci');

    // Act
    const copiedBeforeInstall = [
      ...dockerfile.slice(0, install).matchAll(/^COPY (\S+)\/package\.json \1\/$/gm),
    ].map((match) => match[1]);

    // Assess
    expect(workspaces).toContain('test-support');
    expect(copiedBeforeInstall.sort()).toEqual([...workspaces].sort());
  });
});

describe('the geqo commands compose.yaml runs', { timeout: 60_000 }, () => {
  const help = new Map<string, string>();

  beforeAll(async () => {
    for (const command of [['up'], ['kafka', 'init']]) {
      const { stdout } = await promisify(execFile)(process.execPath, [
        resolve(ROOT, 'bin/geqo.mjs'),
        ...command,
        '--help',
      ]);
      help.set(command.join(' '), stdout);
    }
  });

  it('uses only options those commands have', () => {
    const commands = Object.values(compose.services)
      .map((s) => s.command)
      .filter((command): command is string[] => command?.[1] === 'bin/geqo.mjs');
    expect(commands).toHaveLength(5);
    for (const command of commands) {
      const name = command[2] === 'kafka' ? 'kafka init' : (command[2] ?? '');
      const options = command.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0] ?? arg);
      for (const option of options) expect(help.get(name), `${name} ${option}`).toContain(`${option} `);
    }
  });
});
