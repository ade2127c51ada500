import { randomUUID } from 'node:crypto';
import type { AnyEvent } from '@geqo/shared/domain/events';
import { DEFAULT_BATCHING, type PlannedFrame, planFrames } from './frame-batcher.ts';
import { type ClientStats, PluginClient, type PluginClientOptions, type Rejection } from './plugin-client.ts';

export interface ReplayOptions {
  url: string;
  /** One token per connection (a token names its server). */
  tokens: string[];
  speed: number | 'max';
  base64: boolean;
  window?: number;
  session?: string;
  tag?: string;
  match?: string;
  maxEventsPerFrame?: number;
  onAck?: (connection: number, ack: { seq: number; events: number; latencyMs: number }) => void;
  onClient?: (connection: number, client: PluginClient, frames: PlannedFrame[]) => void;
}

export interface ReplayResult {
  connections: number;
  frames: number;
  events: number;
  elapsedMs: number;
  stats: ClientStats[];
  rejections: Rejection[];
  sessions: { server: string; session: string }[];
}

export function serverIdOf(token: string): string {
  return token.slice(0, Math.max(0, token.indexOf('.')));
}

/**
 * When connection `connection` of `connections` starts a paced replay. Game servers are not in
 * lockstep: their frames leave at unrelated moments. N copies of one recording started together
 * would send every frame N at a time, a load no real fleet makes, so each copy starts a fraction
 * of the mean frame interval after the one before it. At full speed every copy starts at once.
 */
export function replayPhaseMs(
  frames: readonly PlannedFrame[],
  speed: number | 'max',
  connection: number,
  connections: number,
): number {
  if (speed === 'max' || frames.length < 2 || connections < 2) return 0;
  const span = (frames.at(-1)!.sourceTs - frames[0]!.sourceTs) / speed;
  const interval = span / (frames.length - 1);
  return (interval * connection) / connections;
}

/** Replays `events` once per token, each as its own server (and its own session), concurrently (see {@link replayPhaseMs}). */
export async function replayEvents(
  events: readonly AnyEvent[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const started = Date.now();
  const runs = options.tokens.map((token, connection) => {
    const server = serverIdOf(token);
    const session = options.session ?? randomUUID();
    const frames = planFrames(
      events,
      {
        server,
        session,
        ...(options.tag ? { tag: options.tag } : {}),
        ...(options.match ? { match: options.match } : {}),
      },
      {
        ...DEFAULT_BATCHING,
        maxEvents: options.maxEventsPerFrame ?? DEFAULT_BATCHING.maxEvents,
        // A plugin sends a frame every quarter second or so: at N times real time a frame covers
        // N quarter seconds of the match; at full speed frames are simply full.
        maxSpanMs:
          options.speed === 'max' ? Number.POSITIVE_INFINITY : DEFAULT_BATCHING.maxSpanMs * options.speed,
      },
    );
    const clientOptions: Partial<PluginClientOptions> & Pick<PluginClientOptions, 'url' | 'token'> = {
      url: options.url,
      token,
      speed: options.speed,
      base64: options.base64,
      ...(options.window ? { window: options.window } : {}),
    };
    const client = new PluginClient(frames, clientOptions);
    options.onClient?.(connection, client, frames);
    if (options.onAck) client.on('ack', (ack) => options.onAck?.(connection, ack));
    return { client, frames, server, session };
  });
  const stats = await Promise.all(
    runs.map(async (run, connection) => {
      const phase = replayPhaseMs(run.frames, options.speed, connection, runs.length);
      if (phase > 0) await new Promise((resolve) => setTimeout(resolve, phase));
      return run.client.run();
    }),
  );
  return {
    connections: runs.length,
    frames: runs.reduce((sum, run) => sum + run.frames.length, 0),
    events: events.length * runs.length,
    elapsedMs: Date.now() - started,
    stats,
    rejections: runs.flatMap((run) => run.client.rejections),
    sessions: runs.map(({ server, session }) => ({ server, session })),
  };
}
