/**
 * Plugin-free ingest (DESIGN.md section 3), described for the OpenAPI document: the CS2 HTTP log
 * stream and the match plugins' webhooks. They are not REST routes of {@link HttpApi}: a game
 * server's token authenticates them, and their handlers are the log and webhook ingest adapters
 * (`local/src/http/{log,webhook}-routes.ts`, `functions/plain-ingest`).
 */
import { Type } from '@sinclair/typebox';
import { ERROR_SCHEMA } from './http-error.ts';
import { type ParamSpec, pathParams } from './params.ts';
import type { ApiOperation } from './routes.ts';

const header = (name: string, description: string, pattern?: string): ParamSpec<undefined> => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: Type.String(pattern ? { pattern } : {}),
  read: () => undefined,
});

const retryLater = {
  description: 'The database or the stream is down: send the same request again (`Retry-After`).',
  schema: ERROR_SCHEMA,
};
const wrongToken = { description: 'Unknown server, or a wrong or revoked token.', schema: ERROR_SCHEMA };
const accepted = (description: string) => ({
  description,
  schema: Type.Object({}, { additionalProperties: true }),
});

const webhook = (source: 'matchzy' | 'get5'): ApiOperation => ({
  method: 'POST',
  path: `/v1/webhooks/${source}`,
  operationId: `${source}Webhook`,
  summary: `A ${source === 'matchzy' ? 'MatchZy' : 'get5'} event webhook; \`Authorization: Bearer <server token>\`.`,
  access: 'server',
  parameters: [],
  requestBody: Type.Object({}, { additionalProperties: true }),
  responses: {
    200: accepted('The event is on the raw stream (or had nothing to map).'),
    400: { description: 'Not a webhook payload (`BAD_PAYLOAD`).', schema: ERROR_SCHEMA },
    401: wrongToken,
    503: retryLater,
  },
});

export const INGEST_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'POST',
    path: '/v1/logs/{serverId}/{token}',
    operationId: 'ingestLog',
    summary:
      "A body of CS2's HTTP log stream (`logaddress_add_http`); the token in the path authenticates it.",
    access: 'server',
    parameters: [
      pathParams.id('serverId', 'The server id (`srv_…`).'),
      {
        name: 'token',
        in: 'path',
        required: true,
        description: 'The server token (`<serverId>.<secret>`), or its secret alone.',
        schema: Type.String({ minLength: 1 }),
        read: () => undefined,
      },
      header('X-Server-Instance-Token', "The CS2 server process's instance token."),
      header('X-LogBytes-BeginOffset', 'Where this body starts in the log stream.', '^\\d{1,15}$'),
      header('X-LogBytes-EndOffset', 'Where this body ends in the log stream.', '^\\d{1,15}$'),
    ],
    requestBody: Type.String(),
    requestBodyType: 'text/plain',
    responses: {
      200: accepted('The events are on the raw stream (or the body was a resend already applied).'),
      401: wrongToken,
      503: retryLater,
    },
  },
  webhook('matchzy'),
  webhook('get5'),
];
