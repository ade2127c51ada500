/**
 * Hostile HTTP requests against the local HTTP port: REST reads with hostile path segments,
 * query numbers and cursors; request targets no URL parser likes; admin, log, webhook and
 * Management API POSTs with hostile bodies (the log and webhook ones with a real server token,
 * so their bodies reach the parsers).
 */
import fc from 'fast-check';
import { hostileString } from './hostile-values.ts';
import { type LogCase, logCase } from './log-inputs.ts';
import {
  BROKEN_TARGETS,
  craftedCursor,
  type HostileRequest,
  hostileNumberText,
  hostilePath,
  hostileSegment,
  percentEncode,
} from './rest-inputs.ts';
import { type WebhookCase, webhookCase } from './webhook-inputs.ts';

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '[[[[[[[[';
  }
}

/** Hostile requests; `auth` is a real server's id and token. */
export function hostileRequest(auth: { serverId: string; token: string }): fc.Arbitrary<HostileRequest> {
  const reads = fc
    .record({
      route: hostilePath,
      limit: fc.option(hostileNumberText),
      round: fc.option(hostileNumberText),
      after: fc.option(craftedCursor),
      type: fc.option(hostileSegment),
      status: fc.option(hostileSegment),
      server: fc.option(hostileSegment),
    })
    .map(({ route, limit, round, after, type, status, server }): HostileRequest => {
      const query = [
        limit === null ? null : `limit=${percentEncode(limit)}`,
        round === null ? null : `round=${percentEncode(round)}`,
        after === null ? null : `after=${after}`,
        type === null ? null : `type=${type}`,
        status === null ? null : `status=${status}`,
        server === null ? null : `server=${server}`,
      ].filter((part) => part !== null);
      const target = query.length > 0 ? `${route.path}?${query.join('&')}` : route.path;
      // POST and DELETE routes are read as GETs too: a 405 is an answer.
      return { method: 'GET', target, label: `GET ${target.slice(0, 200)}` };
    });
  const broken = fc
    .tuple(
      fc.constantFrom(...BROKEN_TARGETS),
      fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'OPTIONS', 'BREW'),
    )
    .map(
      ([target, method]): HostileRequest => ({ method, target, label: `${method} ${target.slice(0, 80)}` }),
    );
  const serverNames = fc
    .oneof(
      hostileString.map((name) => json({ name })),
      fc.constantFrom('{', '[]', 'null', '{"name":123}', '{"name":"\\u0000"}', '{"name":"\\ud800"}'),
    )
    .map(
      (body): HostileRequest => ({
        method: 'POST',
        target: '/v1/servers',
        headers: { 'Content-Type': 'application/json' },
        body,
        label: `POST /v1/servers ${body.slice(0, 80)}`,
      }),
    );
  const webhooks = webhookCase.map(
    ({ source, payloads, steps }: WebhookCase): HostileRequest => ({
      method: 'POST',
      target: `/v1/webhooks/${source}`,
      headers: { Authorization: `Bearer ${auth.token}`, 'Content-Type': 'application/json' },
      body: json(payloads[0]),
      label: `POST /v1/webhooks/${source} (${steps.join('; ').slice(0, 200)})`,
    }),
  );
  const logs = logCase.map(
    ({ bodies, steps }: LogCase): HostileRequest => ({
      method: 'POST',
      target: `/v1/logs/${auth.serverId}/${auth.token}`,
      headers: { 'Content-Type': 'text/plain' },
      body: bodies.join(''),
      label: `POST /v1/logs (${steps.join('; ').slice(0, 200)})`,
    }),
  );
  const management = fc.tuple(hostileSegment, fc.oneof(hostileString, fc.constant('{"type":"events"}'))).map(
    ([id, body]): HostileRequest => ({
      method: 'POST',
      target: `/@connections/${id}`,
      body,
      label: `POST /@connections/${id.slice(0, 60)}`,
    }),
  );
  const admin = fc
    .tuple(
      fc.constantFrom('DELETE /v1/servers/', 'POST /v1/dead-letters/', 'GET /v1/dead-letters?before='),
      hostileSegment,
    )
    .map(([start, segment]): HostileRequest => {
      const [method, path] = start.split(' ') as [string, string];
      const target = `${path}${segment}${path.endsWith('dead-letters/') ? '/replay' : ''}`;
      return { method, target, label: `${method} ${target.slice(0, 80)}` };
    });
  return fc.oneof(
    { weight: 5, arbitrary: reads },
    { weight: 2, arbitrary: broken },
    { weight: 1, arbitrary: serverNames },
    { weight: 2, arbitrary: webhooks },
    { weight: 2, arbitrary: logs },
    { weight: 1, arbitrary: management },
    { weight: 1, arbitrary: admin },
  );
}
