import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { parseRoles, splitRoleProblems } from './roles.ts';

describe('roles of a geqo up process', () => {
  it('runs every role by default, and the roles GEQO_ROLES names otherwise, in a fixed order', () => {
    expect(loadConfig({}).roles).toEqual(['ingest', 'worker', 'broadcaster', 'api']);
    expect(loadConfig({ GEQO_ROLES: 'api, broadcaster' }).roles).toEqual(['broadcaster', 'api']);
  });

  it('names every unknown role and an empty list', () => {
    const problems: string[] = [];
    parseRoles('ingest,wroker,dashboard', problems, '--role');
    parseRoles(' , ', problems, '--role');
    expect(problems).toEqual([
      '--role: "wroker", "dashboard" not a role (ingest, worker, broadcaster, api)',
      '--role: name at least one role (ingest, worker, broadcaster, api)',
    ]);
    expect(() => loadConfig({ GEQO_ROLES: 'workers' })).toThrow(ConfigError);
  });

  it('asks nothing of a process that runs every role', () => {
    expect(splitRoleProblems(loadConfig({}))).toEqual([]);
  });

  it('asks a process running some roles for Kafka and DATABASE_URL, naming both when both are missing', () => {
    const problems = splitRoleProblems(loadConfig({ GEQO_ROLES: 'worker' }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/--stream kafka.*"postgres" is local to one process/);
    expect(problems[1]).toMatch(/DATABASE_URL/);
    expect(
      splitRoleProblems(
        loadConfig({
          GEQO_ROLES: 'worker',
          GEQO_STREAM: 'kinesis',
          DATABASE_URL: 'postgres://db/geqo',
        }),
      ),
    ).toEqual([expect.stringMatching(/worker cannot run apart on Kinesis/)]);
    expect(
      splitRoleProblems(
        loadConfig({
          GEQO_ROLES: 'ingest',
          GEQO_STREAM: 'kafka',
          GEQO_KAFKA_BROKERS: 'kafka:9092',
          DATABASE_URL: 'postgres://db/geqo',
        }),
      ),
    ).toEqual([]);
  });

  it('lets ingest and api run apart on Kinesis (they only put records), not the worker or the broadcaster', () => {
    const on = (roles: string) =>
      splitRoleProblems(
        loadConfig({ GEQO_ROLES: roles, GEQO_STREAM: 'kinesis', DATABASE_URL: 'postgres://db/geqo' }),
      );
    expect(on('ingest')).toEqual([]);
    expect(on('ingest,api')).toEqual([]);
    expect(on('api,broadcaster')).toEqual([expect.stringMatching(/broadcaster cannot run apart on Kinesis/)]);
  });
});
