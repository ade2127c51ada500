/**
 * How every command that works on a running instance (`geqo server`, `geqo dlq`) reaches it: its
 * admin REST API at `--url`, else `GEQO_URL`, else the default HTTP port on loopback. No command
 * opens a database of its own behind the user's back: when nothing answers, it says so and stops.
 */
import { connect } from 'node:net';
import type { Command } from 'commander';
import { fail } from './cli-context.ts';

export const DEFAULT_INSTANCE_URL = 'http://127.0.0.1:8080';

export interface InstanceFlags {
  url?: string;
  adminToken?: string;
}

/** Adds `--url` and `--admin-token` to a command. */
export function instanceOptions(command: Command): Command {
  return command
    .option('--url <url>', `the running instance's HTTP API (GEQO_URL, default ${DEFAULT_INSTANCE_URL})`)
    .option('--admin-token <token>', 'admin bearer token (GEQO_ADMIN_TOKEN; not needed on loopback)');
}

/** The instance URL and admin token a command uses: its flags, then the environment, then the default. */
export function instanceOf(
  flags: InstanceFlags,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; adminToken?: string } {
  const url = flags.url || env.GEQO_URL || DEFAULT_INSTANCE_URL;
  if (!/^https?:\/\//.test(url)) fail(`--url: "${url}" is not an http(s) URL of a Geqo instance`);
  const adminToken = flags.adminToken || env.GEQO_ADMIN_TOKEN || undefined;
  return adminToken === undefined ? { url } : { url, adminToken };
}

/**
 * One admin request: JSON in and out, marked as an admin call (`X-Geqo-Admin: 1`, which the
 * instance's CSRF guard asks of admin routes). Ends the command with one line when nothing answers
 * at `url` or the instance refuses.
 */
export async function adminRequest<T>(
  instance: { url: string; adminToken?: string },
  path: string,
  init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-geqo-admin': '1' };
  if (instance.adminToken) headers.authorization = `Bearer ${instance.adminToken}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(path, instance.url), {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    fail(`no Geqo instance answers at ${instance.url}: start one with \`geqo up\` or pass --url`);
  }
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    fail(
      `${instance.url} answered ${response.status} with something other than JSON: is it a Geqo instance?`,
    );
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? response.statusText;
    fail(`${instance.url} refused: ${response.status} ${message}`);
  }
  return body as T;
}

/**
 * Whether anything accepts a TCP connection at `url`'s host and port. A replay checks once before
 * it starts: a plugin retries a lost connection for minutes, but one that never answered is a
 * wrong URL or an instance not started, which a person should hear about at once.
 */
export function answersAt(url: string, timeoutMs = 5_000): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const secure = target.protocol === 'wss:' || target.protocol === 'https:';
  const port = Number(target.port || (secure ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
