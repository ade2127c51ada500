/**
 * The soak's dashboard viewer, in a thread of its own: it follows one server's matches on `/ws`
 * and tells the harness when each of that server's frames first showed on the dashboard.
 *
 * It is a thread because the arrival time is the measurement. On the harness's main thread, 50
 * replay clients and the hostile traffic keep the event loop busy (its delay is the timeline's
 * "harness lag" column, 13-70 ms a second in the soaks of 2026-12-07): a dashboard message that
 * arrived during such a moment was timed when the loop came round to it, and the harness's own
 * delay counted as geqo's. A dashboard in a browser on another machine has its own idle loop;
 * this thread is as close as one machine gets. The harness still times the same messages the old
 * way (when its main thread reads them) and prints both. In the first runs with it (2026-12-07)
 * the two agreed within 2 ms at p50 and p99: the harness's loop was not in the figure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DashboardClient } from '../../cli/src/dashboard-client.ts';

export interface ViewerData {
  httpPort: number;
  /** The server whose matches the viewer follows. */
  serverId: string;
}

export type FromViewer =
  | { type: 'ready' }
  /** The first dashboard message holding an event of frame `frame` (`session/seq`) came at `at`. */
  | { type: 'frame'; frame: string; at: number }
  /** A subscription was refused (RATE_LIMITED) and is asked again a second later. */
  | { type: 'refused' };

const port = parentPort;
if (port === null) throw new Error('viewer.ts runs as a worker thread');
const { httpPort, serverId } = workerData as ViewerData;
const post = (message: FromViewer) => port.postMessage(message);

const dashboard = await DashboardClient.connect(httpPort, { keep: false });
const followed = new Set<string>();
dashboard.onMessage((message) => {
  const at = Date.now();
  if (message.type === 'match' && String((message.match as { serverId?: string }).serverId) === serverId) {
    const matchId = String(message.matchId);
    if (!followed.has(matchId)) {
      followed.add(matchId);
      dashboard.send({ action: 'subscribe', matchId });
    }
  } else if (message.type === 'error' && message.code === 'RATE_LIMITED') {
    // Refused for now (the address's lookup budget): asked again a second later, as the reply says.
    const matchId = String(message.topic);
    post({ type: 'refused' });
    if (followed.has(matchId))
      setTimeout(() => dashboard.send({ action: 'subscribe', matchId }), 1_000).unref();
  } else if (message.type === 'events') {
    let last = '';
    for (const event of message.events as { key: [string, string, number, number] }[]) {
      const frame = `${event.key[1]}/${event.key[2]}`;
      if (frame === last) continue;
      last = frame;
      post({ type: 'frame', frame, at });
    }
  }
});
await dashboard.subscribe({ topic: 'matches' });
// The harness ends this thread with `terminate()`, which closes its socket.
post({ type: 'ready' });
