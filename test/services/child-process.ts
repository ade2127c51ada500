import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** Resolves once `host:port` accepts a TCP connection; rejects when the process exits or time runs out. */
export async function waitForPort(
  port: number,
  options: { host?: string; timeoutMs: number; child?: ChildProcess; describe: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.child && options.child.exitCode !== null) {
      throw new Error(
        `process exited (${options.child.exitCode}) before port ${port} opened\n${options.describe()}`,
      );
    }
    if (await accepts(options.host ?? '127.0.0.1', port)) return;
    if (Date.now() > deadline) {
      throw new Error(`port ${port} not open after ${options.timeoutMs} ms\n${options.describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
