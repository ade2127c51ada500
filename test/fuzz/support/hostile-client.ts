/**
 * A hostile client's tools against a running `geqo up`: a plugin socket that sends one message at
 * a time and records what became of it (ack, error code, or the socket closed under it), and raw
 * HTTP requests whose request line and body are sent exactly as given (no client normalising
 * the path).
 */
import { connect } from 'node:net';
import WebSocket from 'ws';

/** What became of one message sent on the plugin socket. */
export type SocketOutcome =
  | { kind: 'ack'; seq: number }
  | { kind: 'error'; code: string; message: string; seq?: number }
  | { kind: 'closed'; code: number }
  | { kind: 'no-reply' }
  | { kind: 'bad-reply'; text: string }
  | { kind: 'refused'; reason: string };

/** A message as a hostile plugin sends it: bytes or text, and for bytes, which WebSocket opcode. */
export type HostileMessage =
  | { data: Uint8Array; opcode: 'binary' }
  /** Raw bytes in a text frame: they may not be valid UTF-8. */
  | { data: Uint8Array; opcode: 'text' }
  | { data: string; opcode: 'text' };

/**
 * One plugin connection at a time (a new one after the server closes one): each message waits
 * for its reply before the next is sent, so every reply is known to be about its message.
 */
export class HostilePluginSocket {
  private socket: WebSocket | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly replyTimeoutMs = 10_000,
  ) {}

  private open(): Promise<WebSocket> {
    const existing = this.socket;
    if (existing && existing.readyState === WebSocket.OPEN) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, {
        headers: { Authorization: `Bearer ${this.token}` },
        perMessageDeflate: false,
        maxPayload: 1024 * 1024,
      });
      socket.once('open', () => {
        this.socket = socket;
        resolve(socket);
      });
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`plugin socket refused: HTTP ${response.statusCode}`)),
      );
    });
  }

  async send(message: HostileMessage): Promise<SocketOutcome> {
    const socket = await this.open();
    return new Promise((resolve) => {
      const done = (outcome: SocketOutcome) => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        socket.off('close', onClose);
        resolve(outcome);
      };
      const onMessage = (data: WebSocket.RawData) => {
        let reply: { type?: unknown; seq?: unknown; code?: unknown; message?: unknown };
        try {
          reply = JSON.parse(String(data)) as typeof reply;
        } catch {
          done({ kind: 'bad-reply', text: String(data).slice(0, 200) });
          return;
        }
        if (reply.type === 'ack' && typeof reply.seq === 'number') {
          done({ kind: 'ack', seq: reply.seq });
        } else if (reply.type === 'error' && typeof reply.code === 'string') {
          done({
            kind: 'error',
            code: reply.code,
            message: String(reply.message),
            ...(typeof reply.seq === 'number' ? { seq: reply.seq } : {}),
          });
        } else {
          done({ kind: 'bad-reply', text: String(data).slice(0, 200) });
        }
      };
      const onClose = (code: number) => {
        this.socket = null;
        done({ kind: 'closed', code });
      };
      const timer = setTimeout(() => {
        // A late reply would be taken for the next message's: start over on a new socket.
        socket.terminate();
        this.socket = null;
        done({ kind: 'no-reply' });
      }, this.replyTimeoutMs);
      socket.on('message', onMessage);
      socket.once('close', onClose);
      socket.send(message.data, { binary: message.opcode === 'binary' });
    });
  }

  close(): void {
    this.socket?.close(1000);
    this.socket = null;
  }
}

/** What a raw HTTP request got: the status line's code, or how the connection ended without one. */
export type HttpOutcome = { status: number; body: string } | { status: 'closed' | 'timeout' | 'refused' };

/**
 * Sends `method target` with the headers and body exactly as given (`Connection: close`), and
 * reads the status code and body of the answer.
 */
export function rawHttpRequest(
  port: number,
  request: { method: string; target: string; headers?: Record<string, string>; body?: Uint8Array | string },
  timeoutMs = 10_000,
): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ status: 'timeout' }), timeoutMs);
    socket.on('connect', () => {
      const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
      const headers = {
        Host: '127.0.0.1',
        Connection: 'close',
        ...(request.body === undefined ? {} : { 'Content-Length': String(body.length) }),
        ...request.headers,
      };
      const head = `${request.method} ${request.target} HTTP/1.1\r\n${Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}\r\n`;
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      settle(error.code === 'ECONNREFUSED' ? { status: 'refused' } : parse()),
    );
    socket.on('end', () => settle(parse()));
    socket.on('close', () => settle(parse()));
    function parse(): HttpOutcome {
      const text = Buffer.concat(chunks).toString('utf8');
      const found = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!found) return { status: 'closed' };
      return { status: Number(found[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) };
    }
  });
}
