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
    server = new WebSocketServer({ port: 0 });
    const { port } = server.address() as { port: number };
    const received: string[] = [];
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        const text = String(data);
        received.push(text);
        const request = JSON.parse(text) as { action: string; matchId?: string };
        if (request.action !== 'subscribe' || request.matchId === undefined) return;
        const refusedSoFar = received.filter((t) => t.includes('"subscribe"') && t.includes('m-1')).length;
        socket.send(
          JSON.stringify(
            refusedSoFar <= 2
              ? {
                  type: 'error',
                  code: 'RATE_LIMITED',
                  message: 'try again in a second',
                  topic: request.matchId,
                }
              : { type: 'subscribed', topic: request.matchId },
          ),
        );
      }),
    );
    const replies: string[] = [];
    const live = new LiveSocket(
      `ws://127.0.0.1:${port}/ws`,
      { message: (message) => replies.push(message.type), state: () => {}, reconnected: () => {} },
      undefined,
      undefined,
      { minMs: 20, maxMs: 40 },
    );
    live.subscribe({ matchId: 'm-1' });
    live.start();
    const deadline = Date.now() + 5_000;
    while (!replies.includes('subscribed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    // Nothing more is asked once it is answered.
    await new Promise((r) => setTimeout(r, 200));
    live.stop();
    expect(received).toEqual([
      '{"action":"subscribe","matchId":"m-1"}',
      '{"action":"subscribe","matchId":"m-1"}',
      '{"action":"subscribe","matchId":"m-1"}',
    ]);
    expect(replies).toEqual(['error', 'error', 'subscribed']);
  });

  it('does not ask again for a refused subscription the page has since left', async () => {
    server = new WebSocketServer({ port: 0 });
    const { port } = server.address() as { port: number };
    const received: string[] = [];
    server.on('connection', (socket) =>
      socket.on('message', (data) => {
        const text = String(data);
        received.push(text);
        const request = JSON.parse(text) as { action: string; matchId?: string };
        if (request.action === 'subscribe')
          socket.send(
            JSON.stringify({ type: 'error', code: 'RATE_LIMITED', message: 'later', topic: request.matchId }),
          );
      }),
    );
    let refusals = 0;
    let live: LiveSocket | null = null;
    live = new LiveSocket(
      `ws://127.0.0.1:${port}/ws`,
      {
        message: (message) => {
          if (message.type !== 'error') return;
          refusals += 1;
          live?.unsubscribe({ matchId: 'm-2' });
        },
        state: () => {},
        reconnected: () => {},
      },
      undefined,
      undefined,
      { minMs: 20, maxMs: 40 },
    );
    live.subscribe({ matchId: 'm-2' });
    live.start();
    const deadline = Date.now() + 5_000;
    while (refusals === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    live.stop();
    expect(received).toEqual([
      '{"action":"subscribe","matchId":"m-2"}',
      '{"action":"unsubscribe","matchId":"m-2"}',
    ]);
  });
});
