import type { PrometheusMetrics } from '@geqo/shared/adapters/metrics';
import { Router, sendJson } from './router.ts';

/**
 * `/healthz` and `/metrics`, on `router` (a new one by default: the HTTP port of a process without
 * the API role, a worker or an ingest), so a health check and a scraper reach every process the
 * same way. The API role's router (`apiRoutes`) has them beside the REST API.
 */
export function healthRoutes(
  deps: {
    metrics: PrometheusMetrics;
    health: () => Promise<Record<string, unknown>>;
  },
  router = new Router(),
): Router {
  router.on('GET', '/healthz', async ({ response }) => {
    const health = await deps.health();
    sendJson(response, health.status === 'ok' ? 200 : 503, health);
  });
  router.on('GET', '/metrics', async ({ response }) => {
    response.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
    response.end(await deps.metrics.text());
  });
  return router;
}
