/**
 * A transaction's statements (and COPY FROM STDIN with its data) sent to PostgreSQL in one write,
 * answered in one round trip: each step goes as the extended protocol's Parse, Bind and Execute
 * (a COPY's data and CopyDone right behind it), and one Sync ends them all. pg's own queue sends
 * a query only once the one before it is answered, so a batch's commit took two or three round
 * trips; under load each is a wait for two busy processes (the worker's niced session among them)
 * to be scheduled. A/B in docs/write-path.md (sustained event-to-dashboard p99, median of rounds:
 * 368 ms in one trip, 886 ms in two). To turn it off, send each step with `client.query`.
 *
 * It is a `Submittable`: pg hands it the connection to write on and routes the answers to it. The
 * server runs the steps in order; after an error it skips everything up to the Sync (a COPY's
 * data included), so the first error is the one thrown, and the caller rolls back.
 */
import pg from 'pg';
import type { QueryStatement } from './pool.ts';

/** A COPY … FROM STDIN and the data it reads, in one piece or several sent one after another. */
export interface CopyStep {
  copy: string;
  body: Uint8Array | readonly Uint8Array[];
}

export type TripStep = QueryStatement | CopyStep;

/** The parts of pg's `Connection` this writes with (its wire writers, as pg's `Query` uses them). */
interface WireWriter {
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { text: string; name: string; types: number[] }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string; rows: number }): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sync(): void;
}

/** How pg turns a JavaScript value into a parameter (dates, buffers, arrays, objects). */
const { prepareValue } = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const onWire = (step: TripStep) =>
  'copy' in step
    ? {
        text: step.copy,
        values: [],
        data: step.body instanceof Uint8Array ? [asBuffer(step.body)] : step.body.map(asBuffer),
      }
    : { text: step.text, values: (step.values ?? []).map(prepareValue), data: undefined };

class OneTrip implements pg.Submittable {
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  readonly answered = new Promise<void>((resolve, reject) => {
    this.settle = { resolve, reject };
  });
  /** Why the steps could not be put on the wire (then nothing was sent but a Sync). */
  private unsendable: unknown;

  constructor(private readonly steps: readonly TripStep[]) {}

  submit(connection: pg.Connection): void {
    const wire = connection as unknown as WireWriter;
    // All that can throw comes before the first byte: a half-written trip would leave the server
    // waiting for the rest.
    let steps: ReturnType<typeof onWire>[];
    try {
      steps = this.steps.map(onWire);
    } catch (error) {
      this.unsendable = error;
      wire.sync();
      return;
    }
    wire.stream.cork?.();
    try {
      for (const { text, values, data } of steps) {
        wire.parse({ text, name: '', types: [] });
        wire.bind({ portal: '', statement: '', values });
        wire.execute({ portal: '', rows: 0 });
        if (data === undefined) continue;
        for (const chunk of data) wire.sendCopyFromChunk(chunk);
        wire.endCopyFrom();
      }
      wire.sync();
    } finally {
      wire.stream.uncork?.();
    }
  }

  // pg routes every answer to the query in flight; these carry nothing this needs (a COPY's data
  // is on its way already when the server asks for it).
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  handleError(error: unknown): void {
    this.settle?.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.unsendable === undefined) this.settle?.resolve();
    else this.settle?.reject(this.unsendable);
  }
}

/**
 * Runs `steps` on `client` in one round trip; rejects with the first error (the steps after it
 * did not run). With BEGIN among them, the caller must ROLLBACK after a failure.
 */
export function sendInOneTrip(client: pg.PoolClient, steps: readonly TripStep[]): Promise<void> {
  const trip = new OneTrip(steps);
  client.query(trip);
  return trip.answered;
}
