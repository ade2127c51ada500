import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/logging/index.ts';
import { noMetrics } from '../../adapters/metrics/index.ts';
import type { ApiRequest } from './api-request.ts';
import { IngestApi, type IngestApiDeps } from './ingest-routes.ts';

const request = (overrides: Partial<ApiRequest> = {}): ApiRequest => ({
  params: { serverId: 'srv_0123456789ab', token: 'srv_0123456789ab.secret' },
  query: {},
  headers: { authorization: 'Bearer srv_0123456789ab.secret' },
  body: async () => new TextEncoder().encode('L 02/09/2026 - 18:00:00: World triggered "Round_Start"\n'),
  authorize: () => {},
  ...overrides,
});

function apiWith(authenticate: IngestApiDeps['servers']['authenticate']) {
  const ingested: string[] = [];
  const api = new IngestApi({
    logs: {
      ingest: async (input) => {
        ingested.push(`log ${input.serverId}`);
        return { status: 'duplicate' };
      },
    },
    webhooks: {
      ingest: async (input) => {
        ingested.push(`webhook ${input.source}`);
        return { status: 'ignored', event: 'series_start', reason: 'nothing to map' };
      },
    },
    servers: { authenticate },
    logger: silentLogger,
    metrics: noMetrics,
  });
  return { api, ingested };
}

describe('plain-ingest routes', () => {
  it.each(['POST /v1/logs/{serverId}/{token}', 'POST /v1/webhooks/matchzy'])(
    '%s answers 503 with Retry-After when the server registry is down, so the game server sends again (was a 500 on geqo up)',
    async (routeKey) => {
      // Prepare
      const { api, ingested } = apiWith(async () =>
        Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      );
      const route = api.route(routeKey);
      // Act
      const answer = route ? await api.handle(route, request()) : null;
      // Assess
      expect(answer).toEqual({
        status: 503,
        headers: { 'retry-after': '1' },
        body: { error: { code: 'UNAVAILABLE', message: expect.stringContaining('send again later') } },
      });
      expect(ingested).toEqual([]);
    },
  );

  it('takes the secret alone as the log token, since the path names the server', async () => {
    // Prepare
    const asked: (string | null | undefined)[] = [];
    const { api, ingested } = apiWith(async (token) => {
      asked.push(token);
      return { ok: true, serverId: 'srv_0123456789ab', name: 'x' };
    });
    const route = api.route('POST /v1/logs/{serverId}/{token}');
    // Act
    const answer = route
      ? await api.handle(route, request({ params: { serverId: 'srv_0123456789ab', token: 'secret' } }))
      : null;
    // Assess
    expect(answer?.status).toBe(200);
    expect(asked).toEqual(['srv_0123456789ab.secret']);
    expect(ingested).toEqual(['log srv_0123456789ab']);
  });

  it('reads the first of repeated Authorization values, and a token sent without "Bearer "', async () => {
    // Prepare
    const asked: (string | null | undefined)[] = [];
    const { api } = apiWith(async (token) => {
      asked.push(token);
      return { ok: false, reason: 'unknown' };
    });
    const route = api.route('POST /v1/webhooks/get5');
    // Act
    const answers = route
      ? [
          await api.handle(route, request({ headers: { authorization: 'Bearer a.b, Bearer c.d' } })),
          await api.handle(route, request({ headers: { authorization: 'e.f' } })),
        ]
      : [];
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([401, 401]);
    expect(asked).toEqual(['a.b', 'e.f']);
  });
});
