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

/** Replays `events` once per token, each as its own server (and its own session), concurrently. */
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
  const stats = await Promise.all(runs.map((run) => run.client.run()));
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
