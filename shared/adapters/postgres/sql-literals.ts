/**
 * Statements with their values written in as literals, for sending several in one round trip
 * (the simple query protocol, which has no parameters). Only for our own statement texts, whose
 * `$1`, `$2`… are placeholders and never appear inside their quoted strings.
 */

export type SqlValue = string | number | boolean | null | undefined;

/** A value as an SQL literal: strings quoted (an `E''` string when they hold backslashes). */
export function sqlLiteral(value: SqlValue): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as an SQL literal`);
    return String(value);
  }
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/** `text` with each `$n` replaced by the literal of `values[n - 1]`. */
export function inlineSql(text: string, values: readonly SqlValue[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index >= values.length) throw new Error(`no value for $${n}`);
    return sqlLiteral(values[index]);
  });
}
