/**
 * The OpenAPI 3.1 document of the REST API, generated from the same route table the handlers run
 * from (`routes.ts`): paths, parameters with the schemas `params.ts` enforces, bodies, answers.
 * Served at `GET /v1/openapi.json` by both transports.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ApiOperation } from './routes.ts';

/** TypeBox schemas are JSON Schema plus symbol-keyed metadata, which JSON drops anyway. */
const schemaOf = (schema: TSchema): object => JSON.parse(JSON.stringify(schema)) as object;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** The refusals every route may give, besides its own answers. */
const COMMON_RESPONSES = {
  400: 'A parameter or the body is not valid (`BAD_PARAMETER`, `BAD_QUERY`, `BAD_CURSOR`, `BAD_JSON`, …).',
  401: 'The token is missing or wrong (`UNAUTHORIZED`).',
  403: 'Not allowed from here (`FORBIDDEN`, `CROSS_ORIGIN`).',
  413: 'The body is too large (`BODY_TOO_LARGE`).',
  500: 'A failure that is not the caller’s (`INTERNAL`); nothing about it is in the answer.',
} as const;

function operationOf(route: ApiOperation): object {
  const security =
    route.access === 'public'
      ? []
      : route.access === 'read'
        ? [{}, { readToken: [] }]
        : route.access === 'server'
          ? route.path.startsWith('/v1/logs/')
            ? []
            : [{ serverToken: [] }]
          : [{ adminToken: [] }, { awsIam: [] }];
  const responses: Record<string, object> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = {
      description: spec.description,
      ...(spec.schema ? { content: { 'application/json': { schema: schemaOf(spec.schema) } } } : {}),
      ...(spec.links ? { links: spec.links } : {}),
    };
  }
  for (const [status, description] of Object.entries(COMMON_RESPONSES)) {
    if (responses[status] !== undefined) continue;
    if (route.access === 'public' && status !== '500') continue;
    if (status === '403' && route.access === 'server') continue;
    if (status === '413' && route.requestBody === undefined) continue;
    responses[status] = { description, content: { 'application/json': { schema: ERROR_REF } } };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    security,
    parameters: route.parameters.map((parameter) => ({
      name: parameter.name,
      in: parameter.in,
      required: parameter.required,
      description: parameter.description,
      schema: schemaOf(parameter.schema),
    })),
    ...(route.requestBody
      ? {
          requestBody: {
            required: true,
            content: {
              [route.requestBodyType ?? 'application/json']: { schema: schemaOf(route.requestBody) },
            },
          },
        }
      : {}),
    responses,
  };
}

/** The document: one path item per path, one operation per route. */
export function openApiDocument(routes: readonly ApiOperation[], errorSchema: TSchema): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    item[route.method.toLowerCase()] = operationOf(route);
    paths[route.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Geqo Observer REST API',
      version: '1',
      description:
        'Matches, rounds, events, statistics and (admin) servers and dead letters of Geqo Observer. ' +
        'The same routes answer on `geqo up` and on AWS (API Gateway).',
    },
    paths,
    components: {
      schemas: { Error: schemaOf(errorSchema) },
      securitySchemes: {
        readToken: {
          type: 'http',
          scheme: 'bearer',
          description: '`geqo up` with GEQO_READ_TOKEN: the read (or admin) token; `?token=` works too.',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: '`geqo up`: GEQO_ADMIN_TOKEN; without one, admin routes answer this machine only.',
        },
        serverToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A game server token (`geqo server add` printed it), for the webhooks.',
        },
        awsIam: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS: admin routes are authorized by API Gateway with IAM (SigV4-signed requests).',
        },
      },
    },
  };
}
