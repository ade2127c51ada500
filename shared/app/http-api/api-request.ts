/**
 * A request and a response of the HTTP API without any transport in them: the local HTTP server
 * (`geqo up`) and the Lambda behind API Gateway each turn theirs into these and back.
 */

/** Who may call a route; the transport decides what proves it (see {@link ApiRequest.authorize}). */
export type AccessLevel =
  /** Anyone, always (the OpenAPI document). */
  | 'public'
  /** REST reads: open, or behind a read token where the transport has one. */
  | 'read'
  /** Admin reads. */
  | 'admin'
  /** Admin requests that change something: a browser on another site must not be able to send one. */
  | 'admin-change';

export interface ApiRequest {
  /** Path parameters, percent-decoded (`{id}` of `/v1/matches/{id}`). */
  params: Readonly<Record<string, string | undefined>>;
  /** Query parameters; a repeated one is its values joined with commas (as API Gateway does). */
  query: Readonly<Record<string, string | undefined>>;
  /** Header values by lower-case name. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body's bytes; the transport bounds them (a 413 is an `HttpError` thrown from here). */
  body: () => Promise<Uint8Array>;
  /**
   * Throws the `HttpError` that refuses the request at this access level, if it must be refused.
   * Locally: the admin token or this machine, the read token, the cross-site rules. On AWS, API
   * Gateway has authorized admin routes with IAM before the function runs.
   */
  authorize: (level: AccessLevel) => void;
}

export interface ApiResponse {
  status: number;
  /** Headers besides the JSON ones (`retry-after`), by lower-case name. */
  headers?: Readonly<Record<string, string>>;
  /** Serialized as JSON by the transport (`application/json; charset=utf-8`, `no-store`). */
  body: unknown;
}

/** Query parameters from a URL: a repeated name has its values joined with commas, as on API Gateway. */
export function queryOf(search: URLSearchParams): Record<string, string> {
  // No prototype: a parameter named `__proto__` is a parameter like any other.
  const query: Record<string, string> = Object.create(null);
  for (const [name, value] of search) {
    const before = query[name];
    query[name] = before === undefined ? value : `${before},${value}`;
  }
  return query;
}
