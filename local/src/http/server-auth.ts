import type { ServerResponse } from 'node:http';
import { PipelineError } from '@geqo/shared/app/errors';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import { sendJson } from './router.ts';

/** The id of the server a token authenticates, or `null` (malformed, unknown, wrong or revoked). */
export async function authenticatedServer(
  servers: ServerRegistry,
  token: string | null,
): Promise<string | null> {
  const result = await servers.authenticate(token);
  return result.ok ? result.serverId : null;
}

/**
 * Runs an ingest use case; a retriable failure (database or stream down, a concurrent write)
 * becomes a 503 with `Retry-After`, so the game server sends the same request again. Returns
 * `undefined` when it answered.
 */
export async function sendRetryLater<T>(
  response: ServerResponse,
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PipelineError) || !error.retriable) throw error;
    response.setHeader('Retry-After', '1');
    sendJson(response, 503, { error: { code: error.code, message: error.message } });
    return undefined;
  }
}
