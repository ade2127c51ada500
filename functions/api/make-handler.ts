import { HttpApi } from '@geqo/shared/app/http-api';
import type { ServerRegistry } from '@geqo/shared/app/servers';
import type { MatchStatsService } from '@geqo/shared/app/stats';
import type { Logger, MatchQueries } from '@geqo/shared/ports';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FlushableMetrics } from '../lib/emf-metrics.ts';
import { withMetrics } from '../lib/observability.ts';
import { answerEvent } from './api-gateway-http.ts';

export interface ApiDeps {
  queries: MatchQueries;
  servers: Pick<ServerRegistry, 'add' | 'list' | 'revoke'>;
  /** Match summaries and player careers (DESIGN.md section 7). */
  stats: Pick<MatchStatsService, 'summary' | 'career'>;
  logger: Logger;
  metrics: FlushableMetrics;
}

type Request = APIGatewayProxyEventV2;
type Response = APIGatewayProxyStructuredResultV2;

/** Where dead letters are on AWS, said in the 501 of the dead-letter routes. */
const DEAD_LETTERS_ON_AWS =
  'on AWS, dead letters are messages in the SQS queue raw-game-events-dlq; replay them with the dlq-replay function';

/**
 * The REST API of DESIGN.md section 8 on an HTTP API (payload format 2.0): an adapter of the shared
 * route handlers (`@geqo/shared/app/http-api`). API Gateway has already matched the route, so the
 * function looks it up by `routeKey`, hands the request over and writes the answer back.
 */
export function makeHandler(deps: ApiDeps) {
  const { logger, metrics } = deps;
  const api = new HttpApi({
    queries: deps.queries,
    servers: deps.servers,
    stats: deps.stats,
    deadLetters: { elsewhere: DEAD_LETTERS_ON_AWS },
    logger,
  });

  return (request: Request): Promise<Response> =>
    withMetrics(metrics, async () => {
      const response = await answerEvent(api, request, logger, 'request failed');
      metrics.count('api_requests', 1, { status: String(response.statusCode ?? 200) });
      return response;
    });
}
