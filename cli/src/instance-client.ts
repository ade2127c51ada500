/**
 * How every command that works on a running instance (`geqo server`, `geqo dlq`) reaches it: its
 * admin REST API at `--url`, else `GEQO_URL`, else the default HTTP port on loopback. No command
 * opens a database of its own behind the user's back: when nothing answers, it says so and stops.
 */
import { connect } from 'node:net';
import type { Command } from 'commander';
import { awsRequestSigner, type RequestSigner, regionOfApiUrl, restApiUrlOfStack } from './aws-signing.ts';
import { fail } from './cli-context.ts';

export const DEFAULT_INSTANCE_URL = 'http://127.0.0.1:8080';

export interface InstanceFlags {
  url?: string;
  adminToken?: string;
  /** The deployment on AWS: requests signed with SigV4 (IAM authorization of the admin routes). */
  aws?: boolean;
  region?: string;
  stack?: string;
  /** The CDK app's stage (`-c stage=`): the pipeline stack is `geqo-<stage>-pipeline`. */
  stage?: string;
}

/** Where a command sends its admin requests, and how they are authorized. */
export interface Instance {
  url: string;
  adminToken?: string;
  /** Signs each request (AWS mode); its headers are sent as they are. */
  sign?: RequestSigner;
}

/** The stage a `cdk deploy` without `-c stage=` deploys. */
export const DEFAULT_STAGE = 'dev';

/**
 * The CloudFormation name of the pipeline stack: `--stack`, else `geqo-<stage>-pipeline` (what
 * the CDK app names it; `GeqoPipeline` is only its construct id, which CloudFormation never sees).
 */
export function pipelineStackName(flags: Pick<InstanceFlags, 'stack' | 'stage'>): string {
  return flags.stack || `geqo-${flags.stage || DEFAULT_STAGE}-pipeline`;
}

/** Adds `--aws`, `--region`, `--stage` and `--stack` (besides `--url` and `--admin-token`) to a command. */
export function awsInstanceOptions(command: Command): Command {
  return instanceOptions(command)
    .option('--aws', 'the deployment on AWS: sign requests with SigV4 (default AWS credential chain)')
    .option(
      '--region <region>',
      'with --aws: the AWS region (AWS_REGION; else taken from an execute-api --url)',
    )
    .option(
      '--stage <name>',
      `with --aws and no --url: the deployed stage, whose stack geqo-<stage>-pipeline has the API URL (default ${DEFAULT_STAGE})`,
    )
    .option('--stack <name>', 'with --aws and no --url: the pipeline stack by its CloudFormation name');
}

/**
 * {@link instanceOf}, or with `--aws` the deployment on AWS: its URL from `--url` (or `GEQO_URL`),
 * else from the stack's `RestApiUrl` output, and a SigV4 signer for `execute-api` in its region.
 */
export async function resolveInstance(
  flags: InstanceFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Instance> {
  if (!flags.aws) return instanceOf(flags, env);
  const given = flags.url || env.GEQO_URL;
  const region =
    flags.region || (given ? regionOfApiUrl(given) : undefined) || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) fail('--aws: which region? pass --region (or set AWS_REGION)');
  let url = given;
  if (!url) {
    const stack = pipelineStackName(flags);
    try {
      url = await restApiUrlOfStack(stack, region);
    } catch (error) {
      fail(`--aws: could not read the API URL of stack ${stack}: ${(error as Error).message}; or pass --url`);
    }
  }
  if (!/^https?:\/\//.test(url)) fail(`--url: "${url}" is not an http(s) URL of a Geqo instance`);
  return { url, sign: awsRequestSigner(region) };
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
  instance: Instance,
  path: string,
  init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {},
): Promise<T> {
  let headers: Record<string, string> = { accept: 'application/json', 'x-geqo-admin': '1' };
  if (instance.adminToken) headers.authorization = `Bearer ${instance.adminToken}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const method = init.method ?? 'GET';
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  const url = urlUnder(instance.url, path);
  if (instance.sign) {
    try {
      headers = await instance.sign({
        method,
        url,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
    } catch (error) {
      fail(`could not sign the request with AWS credentials: ${(error as Error).message}`);
    }
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
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

/** `path` under the instance URL, keeping a base path (an API stage such as `/prod`). */
function urlUnder(base: string, path: string): URL {
  const url = new URL(path, base);
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  if (basePath !== '') url.pathname = `${basePath}${url.pathname}`;
  return url;
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
