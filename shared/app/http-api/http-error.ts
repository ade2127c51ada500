import { Type } from '@sinclair/typebox';

/**
 * The one error of the HTTP API, on every transport: a request the API refuses, answered with
 * `status` and the body `{"error": {"code", "message"}}`, never a stack trace.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** The body every refusal has, whatever the transport: `{"error": {"code", "message"}}`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** The error body as a schema, for the OpenAPI document. */
export const ERROR_SCHEMA = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { description: 'Every refusal and failure: a stable code and a message for people.' },
);

/** The answer to a failure that is not the client's (the database, a bug): no detail leaks. */
export const INTERNAL_ERROR: { status: 500; body: ErrorBody } = {
  status: 500,
  body: errorBody('INTERNAL', 'the request failed; try again later'),
};
