/**
 * PostgreSQL's COPY text format, written straight into a growing buffer: one line per row,
 * columns separated by tabs, `\N` for null, and backslash, tab, newline and carriage return
 * escaped. Writing each line as it is made (no array of lines, no join, no second encoding)
 * keeps a 10,000-row batch from holding megabytes of strings until the end.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value in COPY's format. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** JSON text never holds a raw tab, newline or return (JSON escapes them): only backslashes need doubling. */
export function copyJson(value: string): string {
  return value.includes('\\') ? value.replaceAll('\\', '\\\\') : value;
}

export class CopyTextBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends one line (already escaped, ending in `\n`). */
  line(text: string): void {
    const room = this.buffer.length - this.length;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (text.length * 3 > room) {
      const needed = this.length + text.length * 3;
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
