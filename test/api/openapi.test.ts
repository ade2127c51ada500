/**
 * The OpenAPI document is generated from the route table the handlers run from: every route of the
 * REST API, every ingest route, and every route the CDK app creates is in it, with each path
 * parameter declared, and both transports serve it at `GET /v1/openapi.json`.
 */
import {
  API_ROUTES,
  ERROR_SCHEMA,
  HttpApi,
  INGEST_ROUTES,
  openApiDocument,
  routeKeyOf,
} from '@geqo/shared/app/http-api';
import type { MatchQueries } from '@geqo/shared/ports';
import { describe, expect, it } from 'vitest';
import { API_ROUTES as CDK_ROUTES, routeKeyOf as cdkRouteKeyOf } from '../../functions/api/routes.ts';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: object }[];
  responses: Record<string, unknown>;
}

type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const document = openApiDocument([...API_ROUTES, ...INGEST_ROUTES], ERROR_SCHEMA) as Document;

/** `GET /v1/matches/{id}` for every operation of the document. */
const documented = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
);

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('has every route of the REST API and of plain-ingest, and nothing else', () => {
    const routes = [...API_ROUTES, ...INGEST_ROUTES].map(routeKeyOf);
    expect([...documented].sort()).toEqual([...routes].sort());
  });

  it('has every route the CDK app creates on API Gateway', () => {
    for (const route of CDK_ROUTES) expect(documented).toContain(cdkRouteKeyOf(route));
  });

  it('declares every path parameter as a required parameter, and none that is not in the path', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(item)) {
        const declared = operation.parameters.filter((parameter) => parameter.in === 'path');
        expect(
          declared.map((parameter) => parameter.name),
          path,
        ).toEqual(inPath);
        expect(declared.every((parameter) => parameter.required)).toBe(true);
      }
    }
  });

  it('names each operation once, and every operation answers with a documented 200 or 201', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      expect(Object.keys(operation.responses).some((status) => status === '200' || status === '201')).toBe(
        true,
      );
    }
  });

  it('is what GET /v1/openapi.json answers', async () => {
    // Prepare
    const api = new HttpApi({
      queries: {} as MatchQueries,
      servers: {
        add: async () => Promise.reject(new Error('unused')),
        list: async () => [],
        revoke: async () => false,
      },
      deadLetters: { elsewhere: 'nowhere' },
    });
    const route = api.route('GET /v1/openapi.json');
    // Act
    const answer = route
      ? await api.handle(route, {
          params: {},
          query: {},
          headers: {},
          body: async () => new Uint8Array(),
          authorize: () => {},
        })
      : null;
    // Assess
    expect(answer?.status).toBe(200);
    expect(JSON.parse(JSON.stringify(answer?.body))).toEqual(document);
  });
});
