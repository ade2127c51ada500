/**
 * Secrets never reach a log line: a server token rides in the log route's path
 * (`/v1/logs/<serverId>/<token>`, as CS2's `logaddress_add_http` needs it), in `token=` query
 * parameters and in `Authorization` headers. Every path, URL or header value that is logged goes
 * through `redactSecrets` first; it keeps what helps an operator (the route, the server id) and
 * replaces each secret with `[redacted]`.
 */
const REDACTED = '[redacted]';

const RULES: readonly [RegExp, string][] = [
  // The log route: keep the server id, drop the token (the whole segment, encoded or not).
  [/(\/v1\/logs\/[^/?#\s]*\/)[^/?#\s]+/gi, `$1${REDACTED}`],
  // Query parameters that carry a secret.
  [/([?&](?:token|access_token|admin_token|secret)=)[^&#\s"']*/gi, `$1${REDACTED}`],
  // Authorization header values, wherever they were copied.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // A server token seen anywhere else: `<serverId>.<secret>`.
  [/\b(srv_[a-z0-9]{4,32})\.[A-Za-z0-9_-]{16,}/g, `$1.${REDACTED}`],
];

/** The text with every token, secret and credential it holds replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of RULES) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
