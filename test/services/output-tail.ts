import type { Readable } from 'node:stream';

/** Keeps the last `maxChars` of what a child process printed, for error messages. */
export class OutputTail {
  private text = '';

  constructor(private readonly maxChars = 8_000) {}

  follow(stream: Readable | null): void {
    stream?.on('data', (chunk: Buffer) => {
      this.text = (this.text + chunk.toString('utf8')).slice(-this.maxChars);
    });
  }

  toString(): string {
    return this.text;
  }
}
