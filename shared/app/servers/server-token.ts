import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A server token is `<serverId>.<secret>`: the secret is 32 random bytes in base64url, shown once
 * and stored only as its SHA-256 (a 256-bit random secret needs no slow hash). The token alone
 * identifies and authenticates a game server.
 */
export interface IssuedToken {
  serverId: string;
  token: string;
  tokenHash: string;
}

const SERVER_ID = /^srv_[a-z0-9]{12}$/;

export function newServerId(): string {
  return `srv_${randomBytes(8).toString('hex').slice(0, 12)}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function issueToken(serverId: string = newServerId()): IssuedToken {
  const secret = randomBytes(32).toString('base64url');
  return { serverId, token: `${serverId}.${secret}`, tokenHash: hashSecret(secret) };
}

export function parseToken(token: string): { serverId: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const serverId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!SERVER_ID.test(serverId) || secret.length < 32) return null;
  return { serverId, secret };
}

/** Constant-time check of a presented secret against the stored hash. */
export function secretMatches(secret: string, tokenHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(tokenHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
