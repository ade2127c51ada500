import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: dashboard socket settings', () => {
  it('defaults to no read token, no extra origins, 64 subscriptions and 32 connections per address', () => {
    const config = loadConfig({});

    expect(config.readToken).toBeNull();
    expect(config.allowedOrigins).toEqual([]);
    expect(config.wsMaxSubscriptions).toBe(64);
    expect(config.wsMaxConnectionsPerAddress).toBe(32);
  });

  it('reads the read token, the allowed origins (normalized) and both limits', () => {
    const config = loadConfig({
      GEQO_READ_TOKEN: 'secret',
      GEQO_ALLOWED_ORIGINS: ' https://Dash.Example:8443/ , http://localhost:5173,*',
      GEQO_WS_MAX_SUBSCRIPTIONS: '8',
      GEQO_WS_MAX_CONNECTIONS_PER_ADDRESS: '4',
    });

    expect(config.readToken).toBe('secret');
    expect(config.allowedOrigins).toEqual(['https://dash.example:8443', 'http://localhost:5173', '*']);
    expect(config.wsMaxSubscriptions).toBe(8);
    expect(config.wsMaxConnectionsPerAddress).toBe(4);
  });

  it('names every origin that is not scheme://host[:port] and every bad limit at once', () => {
    const load = () =>
      loadConfig({
        GEQO_ALLOWED_ORIGINS: 'dash.example,https://dash.example/app',
        GEQO_WS_MAX_SUBSCRIPTIONS: '0',
        GEQO_WS_MAX_CONNECTIONS_PER_ADDRESS: 'many',
      });

    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      const { problems } = error as ConfigError;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/"dash\.example" is not an origin/);
      expect(problems.join('\n')).toMatch(/"https:\/\/dash\.example\/app" is not an origin/);
    }
  });
});

describe('loadConfig: stream retention', () => {
  it('keeps stored frames an hour by default, as long as GEQO_STREAM_RETENTION_MINUTES says otherwise, and names a bad value', () => {
    expect(loadConfig({}).streamRetentionMinutes).toBe(60);
    expect(loadConfig({ GEQO_STREAM_RETENTION_MINUTES: '5' }).streamRetentionMinutes).toBe(5);
    expect(() => loadConfig({ GEQO_STREAM_RETENTION_MINUTES: 'forever' })).toThrow(
      /GEQO_STREAM_RETENTION_MINUTES/,
    );
  });
});
