import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { LiveSocket } from './live-socket.ts';

// Node 22 has a WebSocket global as browsers do; `ws` stands in where it is missing.
globalThis.WebSocket ??= NodeWebSocket as unknown as typeof WebSocket;

let server: WebSocketServer | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

const FAST_RESUBSCRIBE = { minMs: 20, maxMs: 40 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await sleep(10);
}

/**
 * A dashboard socket server that answers each match subscription RATE_LIMITED while `refuse(n)`
 * holds for the n-th one, `subscribed` after; it records every message it gets.
 */
function refusingServer(refuse: (subscriptions: number) => boolean): { port: number; received: string[] } {
  server = new WebSocketServer({ port: 0 });
  const received: string[] = [];
  let subscriptions = 0;
  server.on('connection', (socket) =>
    socket.on('message', (data) => {
      received.push(String(data));
      const request = JSON.parse(String(data)) as { action: string; matchId?: string };
      if (request.action !== 'subscribe' || request.matchId === undefined) return;
      subscriptions += 1;
      const topic = request.matchId;
      socket.send(
        JSON.stringify(
          refuse(subscriptions)
            ? { type: 'error', code: 'RATE_LIMITED', message: 'try again in a second', topic }
            : { type: 'subscribed', topic },
        ),
      );
    }),
  );
  return { port: (server.address() as { port: number }).port, received };
}

describe('LiveSocket', () => {
  it('pings an open socket on its keepalive period, so a dashboard that only listens is not closed as idle', async () => {
    server = new WebSocketServer({ port: 0 });
    const { port } = server.address() as { port: number };
    const received: string[] = [];
    server.on('connection', (socket) => socket.on('message', (data) => received.push(String(data))));
    const live = new LiveSocket(
      `ws://127.0.0.1:${port}/ws`,
      { message: () => {}, state: () => {}, reconnected: () => {} },
      undefined,
      50,
    );
    live.subscribe({ topic: 'matches' });
    live.start();
    const deadline = Date.now() + 5_000;
    while (received.filter((text) => text === '{"action":"ping"}').length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    live.stop();
    expect(received[0]).toBe('{"action":"subscribe","topic":"matches"}');
    expect(received.filter((text) => text === '{"action":"ping"}').length).toBeGreaterThanOrEqual(2);
  });

  it('asks again for a match subscription the server refused as RATE_LIMITED, until it is answered subscribed', async () => {
    // The first two subscriptions are refused, the third is answered.
    const { port, received } = refusingServer((refusals) => refusals <= 2);
    const replies: string[] = [];
    const live = new LiveSocket(
      `ws://127.0.0.1:${port}/ws`,
      { message: (message) => replies.push(message.type), state: () => {}, reconnected: () => {} },
      undefined,
      undefined,
      FAST_RESUBSCRIBE,
    );
    live.subscribe({ matchId: 'm-1' });
    live.start();
    await until(() => replies.includes('subscribed'));
    // Nothing more is asked once it is answered.
    await sleep(200);
    live.stop();
    expect(received).toEqual(Array(3).fill('{"action":"subscribe","matchId":"m-1"}'));
    expect(replies).toEqual(['error', 'error', 'subscribed']);
  });

  it('does not ask again for a refused subscription the page has since left', async () => {
    const { port, received } = refusingServer(() => true);
    let refusals = 0;
    let live: LiveSocket | null = null;
    live = new LiveSocket(
      `ws://127.0.0.1:${port}/ws`,
      {
        message: (message) => {
          if (message.type !== 'error') return;
          refusals += 1;
          live?.unsubscribe({ matchId: 'm-1' });
        },
        state: () => {},
        reconnected: () => {},
      },
      undefined,
      undefined,
      FAST_RESUBSCRIBE,
    );
    live.subscribe({ matchId: 'm-1' });
    live.start();
    await until(() => refusals > 0);
    await sleep(200);
    live.stop();
    expect(received).toEqual([
      '{"action":"subscribe","matchId":"m-1"}',
      '{"action":"unsubscribe","matchId":"m-1"}',
    ]);
  });
});
