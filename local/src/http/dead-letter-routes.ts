import type { DeadLetterReplay } from '@geqo/shared/app/dead-letters';
import type { DeadLetterStore, StoredDeadLetter } from '@geqo/shared/ports';
import type { RouteGuards } from './api-routes.ts';
import { flagParam, intParam, positiveIdParam } from './params.ts';
import { HttpError, type Router, sendJson } from './router.ts';

/** A dead letter as JSON: the payload in base64, so it can be inspected and kept. */
export function deadLetterJson(letter: StoredDeadLetter) {
  return {
    id: letter.id,
    stream: letter.stream,
    shard: letter.shard,
    position: letter.position,
    serverId: letter.partitionKey,
    code: letter.code,
    reason: letter.reason,
    failedAt: new Date(letter.failedAt).toISOString(),
    replayedAt: letter.replayedAt === null ? null : new Date(letter.replayedAt).toISOString(),
    payloadBytes: letter.payload.length,
    payloadBase64: Buffer.from(letter.payload).toString('base64'),
  };
}

/** Admin routes: `GET /v1/dead-letters`, `POST /v1/dead-letters/{id}/replay`. */
export function deadLetterRoutes(store: DeadLetterStore, replay: DeadLetterReplay) {
  return (router: Router, { admin, adminChange }: RouteGuards) => {
    router.on('GET', '/v1/dead-letters', async ({ request, response, query }) => {
      admin(request);
      const letters = await store.list({
        limit: intParam(query, 'limit', { min: 1, max: 1_000 }) ?? 100,
        before: intParam(query, 'before', { min: 1, max: Number.MAX_SAFE_INTEGER }),
        pending: flagParam(query, 'pending'),
      });
      sendJson(response, 200, { deadLetters: letters.map(deadLetterJson) });
    });
    router.on('POST', '/v1/dead-letters/:id/replay', async ({ request, response, params, query }) => {
      adminChange(request);
      const id = positiveIdParam(params.id, 'id');
      const outcome = await replay.replay(id, { force: flagParam(query, 'force') });
      if (!outcome.ok && outcome.reason === 'not_found')
        throw new HttpError(404, 'NOT_FOUND', `no dead letter ${id}`);
      if (!outcome.ok)
        throw new HttpError(
          409,
          'ALREADY_REPLAYED',
          `dead letter ${id} was replayed already (?force=true to replay again)`,
        );
      sendJson(response, 200, outcome);
    });
  };
}
