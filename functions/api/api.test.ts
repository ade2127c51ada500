import { ServerRegistry } from '@geqo/shared/app/servers';
import type { MatchStatsService } from '@geqo/shared/app/stats';
import type { MatchSummary } from '@geqo/shared/domain/match';
import { careerStats } from '@geqo/shared/domain/stats';
import type { EventPage, MatchDetail, MatchQueries, PlayerCareer } from '@geqo/shared/ports';
import { encodeCursor } from '@geqo/shared/ports';
import { describe, expect, it } from 'vitest';
import { MemoryServerRepository, RecordingLogger, RecordingMetrics } from '../test/doubles.ts';
import { httpApiEvent } from '../test/factories.ts';
import { makeHandler } from './make-handler.ts';
import { routeKeyOf, routesOf } from './routes.ts';

const MATCH: MatchDetail = {
  id: 'm-1',
  serverId: 'srv_0123456789ab',
  externalId: null,
  map: 'de_inferno',
  tag: null,
  status: 'live',
  teams: [],
  score: { CT: 3, T: 1 },
  startedAt: '2024-01-20T11:55:00.000Z',
  endedAt: null,
  gaps: [],
  rounds: 4,
  events: 120,
};

const SUMMARY: MatchSummary = {
  map: 'de_inferno',
  status: 'finished',
  teams: [
    { name: 'Alpha', startSide: 'CT', score: 13 },
    { name: 'Bravo', startSide: 'T', score: 7 },
  ],
  rounds: [],
  players: [],
};

const STEAM_ID = '76561198094220578';

const CAREER: PlayerCareer = {
  steamId: STEAM_ID,
  name: 'Earthy',
  career: careerStats(STEAM_ID, []),
  recentMatches: [],
  maps: [],
};

/** Statistics that know one match and one player, and record what they were asked. */
function statsOf(asked: string[]): Pick<MatchStatsService, 'summary' | 'career'> {
  return {
    summary: async (matchId) => {
      asked.push(`summary ${matchId}`);
      return matchId === MATCH.id ? SUMMARY : null;
    },
    career: async (steamId) => {
      asked.push(`career ${steamId}`);
      return steamId === STEAM_ID ? CAREER : null;
    },
  };
}

function setup(overrides: Partial<MatchQueries> = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const queries: MatchQueries = {
    listMatches: async (...args) => {
      calls.push({ method: 'listMatches', args });
      return [MATCH];
    },
    getMatch: async (id) => (id === MATCH.id ? MATCH : null),
    listRounds: async (...args) => {
      calls.push({ method: 'listRounds', args });
      return [];
    },
    listEvents: async (...args): Promise<EventPage> => {
      calls.push({ method: 'listEvents', args });
      return { events: [], next: null };
    },
    ...overrides,
  };
  const servers = new ServerRegistry(new MemoryServerRepository());
  const logger = new RecordingLogger();
  const asked: string[] = [];
  return {
    calls,
    servers,
    logger,
    asked,
    handler: makeHandler({
      queries,
      servers,
      stats: statsOf(asked),
      logger,
      metrics: new RecordingMetrics(),
    }),
  };
}

const body = (response: { body?: string }) => JSON.parse(response.body ?? 'null');

describe('api handler', () => {
  it('lists matches with the query filters', async () => {
    // Prepare
    const { handler, calls } = setup();
    // Act
    const response = await handler(
      httpApiEvent('GET /v1/matches', { query: { limit: '5', status: 'live' } }),
    );
    // Assess
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ matches: [MATCH] });
    expect(calls).toEqual([{ method: 'listMatches', args: [{ limit: 5, status: 'live' }] }]);
  });

  it('answers 404 with a code for an unknown match', async () => {
    const { handler } = setup();
    const response = await handler(httpApiEvent('GET /v1/matches/{id}', { pathParameters: { id: 'nope' } }));
    expect(response.statusCode).toBe(404);
    expect(body(response)).toEqual({ error: { code: 'MATCH_NOT_FOUND', message: 'no match nope' } });
  });

  it('pages events with the default limit and a valid cursor', async () => {
    const { handler, calls } = setup();
    const after = encodeCursor({ ts: 1, server: 's', session: 'b', seq: 1, index: 0 });
    const response = await handler(
      httpApiEvent('GET /v1/matches/{id}/events', {
        pathParameters: { id: 'm-1' },
        query: { after, type: 'player_death' },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(calls[0]?.args).toEqual(['m-1', { limit: 1_000, type: 'player_death', after }]);
  });

  it.each([
    ['a limit over 100,000', { limit: '100001' }, 'BAD_QUERY'],
    ['a round that is not a number', { round: 'two' }, 'BAD_QUERY'],
    ['a forged cursor', { after: 'bm90IGEgY3Vyc29y' }, 'BAD_CURSOR'],
  ])('refuses %s with 400', async (_label, query, code) => {
    const { handler } = setup();
    const response = await handler(
      httpApiEvent('GET /v1/matches/{id}/events', { pathParameters: { id: 'm-1' }, query }),
    );
    expect(response.statusCode).toBe(400);
    expect(body(response).error.code).toBe(code);
  });

  it('adds a server, returns its token once, lists it without the hash and revokes it', async () => {
    const { handler } = setup();
    const added = await handler(httpApiEvent('POST /v1/servers', { body: '{"name":"LAN 1"}' }));
    expect(added.statusCode).toBe(201);
    const { serverId, token } = body(added);
    expect(token).toMatch(new RegExp(`^${serverId}\\.`));
    const listed = body(await handler(httpApiEvent('GET /v1/servers')));
    expect(listed.servers).toEqual([
      expect.objectContaining({ id: serverId, name: 'LAN 1', revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain('tokenHash');
    const revoked = await handler(
      httpApiEvent('DELETE /v1/servers/{id}', { pathParameters: { id: serverId } }),
    );
    expect(body(revoked)).toEqual({ id: serverId, revoked: true });
  });

  it('refuses a server without a name', async () => {
    const { handler } = setup();
    const response = await handler(httpApiEvent('POST /v1/servers', { body: '{"name":"  "}' }));
    expect(response.statusCode).toBe(400);
  });

  it('answers 500 without details when the database fails, and logs the error', async () => {
    const { handler, logger } = setup({
      listMatches: async () => Promise.reject(new Error('password authentication failed')),
    });
    const response = await handler(httpApiEvent('GET /v1/matches'));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('password');
    expect(logger.lines.at(-1)).toMatchObject({ level: 'error', message: 'request failed' });
  });

  it('serves a match summary through the statistics service', async () => {
    // Prepare
    const { handler, asked } = setup();
    // Act
    const response = await handler(
      httpApiEvent('GET /v1/matches/{id}/summary', { pathParameters: { id: MATCH.id } }),
    );
    // Assess
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual(SUMMARY);
    expect(asked).toEqual([`summary ${MATCH.id}`]);
  });

  it('answers 404 for the summary of an unknown match', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(
      httpApiEvent('GET /v1/matches/{id}/summary', { pathParameters: { id: 'nope' } }),
    );
    // Assess
    expect(response.statusCode).toBe(404);
    expect(body(response)).toEqual({ error: { code: 'MATCH_NOT_FOUND', message: 'no match nope' } });
  });

  it("serves a player's career, and 404 for an unknown player", async () => {
    // Prepare
    const { handler, asked } = setup();
    // Act
    const known = await handler(
      httpApiEvent('GET /v1/players/{steamId}', { pathParameters: { steamId: STEAM_ID } }),
    );
    const unknown = await handler(
      httpApiEvent('GET /v1/players/{steamId}', { pathParameters: { steamId: '76561190000000000' } }),
    );
    // Assess
    expect(known.statusCode).toBe(200);
    expect(body(known)).toEqual(CAREER);
    expect(unknown.statusCode).toBe(404);
    expect(body(unknown).error.code).toBe('PLAYER_NOT_FOUND');
    expect(asked).toEqual([`career ${STEAM_ID}`, 'career 76561190000000000']);
  });

  it('answers 500 without details when the statistics fail', async () => {
    // Prepare
    const logger = new RecordingLogger();
    const handler = makeHandler({
      queries: {} as MatchQueries,
      servers: new ServerRegistry(new MemoryServerRepository()),
      stats: {
        summary: async () => Promise.reject(new Error('connection terminated')),
        career: async () => null,
      },
      logger,
      metrics: new RecordingMetrics(),
    });
    // Act
    const response = await handler(
      httpApiEvent('GET /v1/matches/{id}/summary', { pathParameters: { id: MATCH.id } }),
    );
    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('connection');
    expect(logger.lines.at(-1)).toMatchObject({ level: 'error', message: 'request failed' });
  });

  it('has a handler for every route the CDK app sends it, none of them a 501 placeholder but dead letters', async () => {
    // Prepare
    const { handler } = setup();
    const statuses: Record<string, number | undefined> = {};
    // Act
    for (const route of routesOf('api')) {
      const response = await handler(
        httpApiEvent(routeKeyOf(route), {
          pathParameters: { id: 'm-1', steamId: STEAM_ID },
          body: '{"name":"x"}',
        }),
      );
      statuses[routeKeyOf(route)] = response.statusCode;
    }
    // Assess
    for (const [routeKey, status] of Object.entries(statuses)) {
      expect([200, 201, 404, 501], routeKey).toContain(status);
      if (status === 501) expect(routeKey).toMatch(/dead-letters/);
    }
    expect(Object.keys(statuses)).not.toContain('POST /v1/logs/{serverId}/{token}');
  });

  it('answers 404 for a route of another function', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const response = await handler(httpApiEvent('POST /v1/webhooks/matchzy', { body: '{}' }));
    // Assess
    expect(response.statusCode).toBe(404);
  });
});
