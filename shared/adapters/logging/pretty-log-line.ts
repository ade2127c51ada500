/**
 * One JSON log line as a person reads it on a terminal: `12:04:05.123 INFO  message key=value …`.
 * The JSON stays the format for files and log collectors; this is only a rendering of it.
 */

const LEVEL_COLORS: Record<string, string> = {
  debug: '\u001b[90m',
  info: '\u001b[32m',
  warn: '\u001b[33m',
  error: '\u001b[31m',
  fatal: '\u001b[35m',
};
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';
/** Keys the line shows in its own places (or not at all), not as `key=value`. */
const OWN_KEYS = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname']);

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function clock(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date();
  if (Number.isNaN(date.getTime())) return String(time);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** Renders one JSON log line (a line that is not JSON comes back as it was). */
export function prettyLogLine(json: string, options: { color?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = String(entry.level ?? 'info');
  const label = level.toUpperCase().padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !OWN_KEYS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
  const time = clock(entry.time);
  const message = String(entry.msg ?? '');
  if (!options.color) return `${time} ${label} ${message}${fields ? ` ${fields}` : ''}\n`;
  const color = LEVEL_COLORS[level] ?? '';
  return `${DIM}${time}${RESET} ${color}${label}${RESET} ${message}${fields ? ` ${DIM}${fields}${RESET}` : ''}\n`;
}
