/** A record that can never succeed, kept with its payload, position and the reason. */
export interface DeadLetter {
  stream: string;
  shard: string;
  position: string;
  partitionKey: string;
  payload: Uint8Array;
  /** Stable error code, e.g. `BAD_MSGPACK`, `SCHEMA`, `SERVER_MISMATCH`. */
  code: string;
  reason: string;
  failedAt: number;
}

/** Where poison records go: the local `dead_letters` table or SQS `raw-game-events-dlq`. */
export interface DeadLetterSink {
  send(letters: readonly DeadLetter[]): Promise<void>;
}
