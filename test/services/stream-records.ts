import type { ConsumedRecord, StreamConsumer, StreamRecord } from '../../shared/ports/index.ts';

/** `count` records spread round-robin over `keys`, each saying `<key>:<n-th of that key>`. */
export function recordsFor(keys: readonly string[], count: number): StreamRecord[] {
  const next = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const partitionKey = keys[i % keys.length]!;
    const n = next.get(partitionKey) ?? 0;
    next.set(partitionKey, n + 1);
    return { partitionKey, data: new TextEncoder().encode(`${partitionKey}:${n}`) };
  });
}

/** Polls until `count` records have arrived (or fails after `timeoutMs`). */
export async function pollUntil(
  consumer: StreamConsumer,
  count: number,
  options: { timeoutMs?: number; waitMs?: number } = {},
): Promise<ConsumedRecord[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const records: ConsumedRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${records.length} of ${count} records after ${timeoutMs} ms`);
    records.push(...(await consumer.poll(count - records.length, options.waitMs ?? 500)));
  }
  return records;
}
