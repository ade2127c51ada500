import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a request shows of itself to the access checks: its headers, its target, its peer. */
export interface RequestCredentials {
  headers: IncomingHttpHeaders;
  /** The request target (`/v1/matches?token=…`), for the `token=` query parameter. */
  url?: string | undefined;
}

/** Whether a peer address is this machine: 127.0.0.0/8, `::1`, or either mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const text = address.toLowerCase();
  if (text === '::1' || text === '0:0:0:0:0:0:0:1') return true;
  const v4 = text.startsWith('::ffff:') ? text.slice(7) : text;
  const parts = v4.split('.');
  if (parts.length !== 4 || parts[0] !== '127') return false;
  return parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** The bearer token of `Authorization: Bearer <token>`, or `null`. */
export function bearerOf(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization?.trim() ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** Compares secrets in constant time: both are hashed first, so neither length nor content leaks. */
export function sameSecret(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Whether a REST read may go ahead. Without `GEQO_READ_TOKEN` everything is open (the default);
 * with it, the request shows the read token (or the admin token) as `Authorization: Bearer …` or
 * as `?token=…` (for a browser address bar, and the dashboard that copies it from its own URL).
 */
export function readTokenAllows(
  config: { readToken: string | null; adminToken?: string | null },
  request: RequestCredentials,
): boolean {
  if (config.readToken === null || config.readToken === '') return true;
  const presented = [bearerOf(request.headers), queryToken(request.url)];
  const accepted = [config.readToken, config.adminToken ?? null].filter(
    (token): token is string => token !== null && token !== '',
  );
  return presented.some((token) => accepted.some((secret) => sameSecret(token, secret)));
}

/**
 * Whether a request comes from this machine and was addressed to it by an IP or `localhost`. The
 * `Host` check stops DNS rebinding: a page on `evil.example` whose name is made to resolve to
 * 127.0.0.1 reaches the port from loopback, but its browser sends `Host: evil.example`.
 */
export function fromThisMachine(
  request: RequestCredentials & { remoteAddress?: string | undefined },
): boolean {
  return isLoopbackAddress(request.remoteAddress) && isLocalHostHeader(request.headers.host);
}

/** `localhost`, an IPv4 address or a bracketed IPv6 address, with or without a port. */
export function isLocalHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d{1,5}$/, '');
  return name === 'localhost' || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

/**
 * Whether an admin request may go ahead: with `GEQO_ADMIN_TOKEN`, the request shows it as a
 * bearer token; without it, only this machine may ask (`geqo up` listens on every interface).
 */
export function adminAllows(
  config: { adminToken: string | null },
  request: RequestCredentials & { remoteAddress?: string | undefined },
): boolean {
  if (config.adminToken) return sameSecret(bearerOf(request.headers), config.adminToken);
  return fromThisMachine(request);
}

/**
 * Why a browser could not have meant an admin request that changes something, or `null`.
 * A page on another origin can make a browser send a "simple" request (a form, a `text/plain`
 * POST) with the user's network position: loopback. So a mutating admin request must
 * - carry no `Origin` of another site (a browser always sends one on a cross-origin POST),
 * - and be one a page cannot send without a CORS preflight: a JSON body, an `Authorization`
 *   header, or the `X-Geqo-Admin` header (what `geqo dlq replay` sends).
 */
export function crossSiteRefusal(
  request: RequestCredentials,
  allowedOrigins: readonly string[] = [],
): { status: 403 | 415; code: string; message: string } | null {
  const origin = single(request.headers.origin);
  if (
    origin !== undefined &&
    !sameOrigin(origin, single(request.headers.host)) &&
    !allowedOrigins.includes(origin)
  ) {
    return {
      status: 403,
      code: 'CROSS_ORIGIN',
      message: `requests from ${origin} may not change anything here`,
    };
  }
  const type = (single(request.headers['content-type']) ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') return null;
  if (type !== '') {
    return {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'send the body as Content-Type: application/json',
    };
  }
  if (request.headers.authorization !== undefined || request.headers['x-geqo-admin'] !== undefined)
    return null;
  return {
    status: 403,
    code: 'NOT_AN_API_CLIENT',
    message: 'send the X-Geqo-Admin: 1 header (or a JSON body)',
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const parsed = new URL(origin);
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === host.toLowerCase()
    );
  } catch {
    return false;
  }
}

function queryToken(url: string | undefined): string | null {
  if (url === undefined) return null;
  const question = url.indexOf('?');
  if (question < 0) return null;
  return new URLSearchParams(url.slice(question + 1)).get('token');
}
