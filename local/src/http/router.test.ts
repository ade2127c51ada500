import { describe, expect, it } from 'vitest';
import { HttpError, Router } from './router.ts';

describe('router', () => {
  const router = new Router().on('GET', '/v1/matches/:id/events', () => {});

  it('matches paths and decodes their parameters', () => {
    const found = router.match('GET', '/v1/matches/m%201/events');
    expect(found !== null && found !== 'method' && found.params).toEqual({ id: 'm 1' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('POST', '/v1/matches/x/events')).toBe('method');
    expect(router.match('GET', '/v1/nope')).toBeNull();
  });

  it('answers malformed percent-encoding with a 400, never a crash', () => {
    expect(() => router.match('GET', '/v1/matches/%E0/events')).toThrow(HttpError);
    try {
      router.match('GET', '/v1/matches/%E0/events');
    } catch (error) {
      expect((error as HttpError).status).toBe(400);
    }
  });
});
