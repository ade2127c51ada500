import type { MatchStatsService } from '@geqo/shared/app/stats';
import { HttpError, type Router, sendJson } from './router.ts';

/**
 * The statistics routes of DESIGN.md section 8, added to the API router through `extraRoutes`:
 * `GET /v1/matches/{id}/summary` (the MatchSummary) and `GET /v1/players/{steamId}` (career).
 */
export function statsRoutes(service: MatchStatsService): (router: Router) => void {
  return (router) => {
    router.on('GET', '/v1/matches/:id/summary', async ({ response, params }) => {
      const summary = await service.summary(params.id!);
      if (summary === null) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${params.id}`);
      sendJson(response, 200, summary);
    });
    router.on('GET', '/v1/players/:steamId', async ({ response, params }) => {
      const career = await service.career(params.steamId!);
      if (career === null) throw new HttpError(404, 'PLAYER_NOT_FOUND', `no player ${params.steamId}`);
      sendJson(response, 200, career);
    });
  };
}
