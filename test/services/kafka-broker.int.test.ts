/**
 * The test Kafka broker's start: a port picked free can be taken by another test file before the
 * broker binds it (seen in CI: "Address already in use"); the start is then tried on other ports.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/src/process/runtime-process.ts';
import { type KafkaBroker, startKafkaBroker } from './kafka-broker.ts';

let broker: KafkaBroker | undefined;
let squatter: Server | undefined;

afterAll(async () => {
  await broker?.stop();
  await new Promise<void>((resolve) => (squatter ? squatter.close(() => resolve()) : resolve()));
});

describe('the test Kafka broker', () => {
  it('starts on other ports when a port it picked was taken before it could bind it', async () => {
    // Prepare: the first port handed out is already listened on, as by a test file alongside.
    squatter = createServer();
    const taken = await new Promise<number>((resolve) =>
      squatter!.listen(0, '127.0.0.1', () => resolve((squatter!.address() as { port: number }).port)),
    );
    const picked: number[] = [];
    const pickPort = async () => {
      const port = picked.length === 0 ? taken : await freePort();
      picked.push(port);
      return port;
    };

    // Act
    broker = await startKafkaBroker(pickPort);

    // Assess: a second pair of ports was picked, and the broker listens on the new one.
    expect(picked).toHaveLength(4);
    expect(broker.brokers).toEqual([`127.0.0.1:${picked[2]}`]);
    expect(broker.brokers[0]).not.toBe(`127.0.0.1:${taken}`);
  }, 180_000);
});
