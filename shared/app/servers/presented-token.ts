/**
 * The token a client presents when it connects, read one way in `geqo up` and on AWS (the
 * plugin's `$connect` authorizer): `Authorization: Bearer <token>` (any case, any white space
 * after `Bearer`), else the `token` query parameter, for clients that cannot set a header. A header
 * that is not one bearer token does not count, so the query parameter still may.
 */
export function presentedToken(
  authorization: string | undefined,
  queryToken: string | null | undefined,
): string | null {
  const bearer = authorization?.trim().match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? queryToken ?? null;
}
