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
});
