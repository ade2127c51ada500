/**
 * The timestamp prefix of a CS2 log line.
 *
 * ```
 * file  (`log on`):             L MM/DD/YYYY - HH:MM:SS: <body>
 * HTTP  (`logaddress_add_http`): MM/DD/YYYY - HH:MM:SS.mmm - <body>
 * ```
 * Both are accepted with either separator (`: ` or ` - `) and with or without milliseconds, as
 * relays and older servers mix them. The time is the server's local time; the caller supplies the
 * server's UTC offset to turn it into epoch milliseconds.
 */

/** Where a line's body starts and when it happened; reused by the caller to avoid allocations. */
export interface LogLinePrefix {
  /** Epoch milliseconds (UTC). */
  ts: number;
  /** Index of the first character of the body. */
  bodyStart: number;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_PER_DAY = 86_400_000;

/**
 * Reads the prefix of `line` into `out`. Returns `false` (leaving `out` unspecified) when the line
 * does not start with a valid timestamp.
 *
 * @param utcOffsetMinutes the server's local time minus UTC, in minutes (e.g. 60 for CET).
 */
export function readLogLinePrefix(line: string, utcOffsetMinutes: number, out: LogLinePrefix): boolean {
  const at = line.charCodeAt(0) === 76 /* L */ && line.charCodeAt(1) === 32 ? 2 : 0;
  if (line.length < at + 23) return false;
  const month = twoDigits(line, at);
  const day = twoDigits(line, at + 3);
  const year = twoDigits(line, at + 6) * 100 + twoDigits(line, at + 8);
  const hour = twoDigits(line, at + 13);
  const minute = twoDigits(line, at + 16);
  const second = twoDigits(line, at + 19);
  if (
    line.charCodeAt(at + 2) !== 47 /* / */ ||
    line.charCodeAt(at + 5) !== 47 ||
    !line.startsWith(' - ', at + 10) ||
    line.charCodeAt(at + 15) !== 58 /* : */ ||
    line.charCodeAt(at + 18) !== 58 ||
    (month | day | year | hour | minute | second) < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > (DAYS_IN_MONTH[month - 1] ?? 0) ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  ) {
    return false;
  }
  let i = at + 21;
  let millis = 0;
  if (line.charCodeAt(i) === 46 /* . */) {
    const hundreds = digit(line, i + 1);
    const tens = digit(line, i + 2);
    const ones = digit(line, i + 3);
    if ((hundreds | tens | ones) < 0) return false;
    millis = hundreds * 100 + tens * 10 + ones;
    i += 4;
  }
  if (line.charCodeAt(i) === 58 /* : */ && line.charCodeAt(i + 1) === 32) {
    out.bodyStart = i + 2;
  } else if (line.startsWith(' - ', i)) {
    out.bodyStart = i + 3;
  } else {
    return false;
  }
  out.ts =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - utcOffsetMinutes) * 60 + second) * 1000 +
    millis;
  return true;
}

/** The value of the digit at `i`, or -1. */
function digit(text: string, i: number): number {
  const value = text.charCodeAt(i) - 48;
  return value >= 0 && value <= 9 ? value : -1;
}

/** The two-digit number at `i`, or -1. */
function twoDigits(text: string, i: number): number {
  const tens = digit(text, i);
  const ones = digit(text, i + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
