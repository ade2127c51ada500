import type { MatchStatsService } from '@geqo/shared/app/stats';
import type { RouteGuards } from './api-routes.ts';
import { idParam, steamIdParam } from './params.ts';
import { HttpError, type Router, sendJson } from './router.ts';

/**
 * The statistics routes of DESIGN.md section 8, added to the API router through `extraRoutes`:
 * `GET /v1/matches/{id}/summary` (the MatchSummary) and `GET /v1/players/{steamId}` (career).
 */
export function statsRoutes(service: MatchStatsService): (router: Router, guards: RouteGuards) => void {
  return (router, { read }) => {
    router.on('GET', '/v1/matches/:id/summary', async ({ request, response, params }) => {
      read(request);
      const id = idParam(params.id, 'id');
      const summary = await service.summary(id);
      if (summary === null) throw new HttpError(404, 'MATCH_NOT_FOUND', `no match ${id}`);
      sendJson(response, 200, summary);
    });
    router.on('GET', '/v1/players/:steamId', async ({ request, response, params }) => {
      read(request);
      const steamId = steamIdParam(params.steamId, 'steamId');
      const career = await service.career(steamId);
      if (career === null) throw new HttpError(404, 'PLAYER_NOT_FOUND', `no player ${steamId}`);
      sendJson(response, 200, career);
    });
  };
}
