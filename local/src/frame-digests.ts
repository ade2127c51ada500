/**
 * Frame digests: what `geqo up`'s ingest decoded of a frame, put on the stream with its record
 * (`StreamRecord.digest`, never stored) so the worker, in the same process, neither decodes the
 * frame a second time nor writes its events' stored form. A digest is plain MessagePack of the
 * frame and each event's stored-form JSON, where a `positions` event keeps only `type`, `ts` and
 * `tick` (its players, most of a frame and most of the work of decoding one, are in its JSON, and
 * nothing in the worker reads them otherwise). Reading one costs a tenth of decoding the frame
 * (LZ4, then every player's object) and writing the JSON.
 *
 * What it buys (commit 43995a5, `npm run bench` end to end at 30,000 events/s): worker CPU per
 * event down by about 8 µs, dashboard p50 latency about halved. The worker-alone bench does not
 * use it (its stream is pre-filled). A record read from the table (after a restart, or by a
 * worker more than the stream's hand-over behind) has no digest, and is decoded.
 *
 * To turn it off, leave out `digest` where `runtime.ts` makes the `FrameIngestor`.
 */
import type { DecodedFrame } from '@geqo/shared/app/worker';
import type { Frame } from '@geqo/shared/domain/codec';
import { type AnyEvent, storedFormJson } from '@geqo/shared/domain/events';
import { Packr, Unpackr } from 'msgpackr';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

interface DigestBody {
  frame: Frame;
  json: string[];
}

/** A `positions` event with its players left out (they are in its stored JSON). */
function withoutPlayers(event: AnyEvent): AnyEvent {
  if (event.type !== 'positions' || 'unknown' in event) return event;
  const { players: _players, ...rest } = event as AnyEvent & { players?: unknown };
  return rest as AnyEvent;
}

/** The digest of a decoded, validated frame, in a buffer of its own. */
export function digestFrame(frame: Frame): Uint8Array {
  const body: DigestBody = {
    frame: { ...frame, events: frame.events.map(withoutPlayers) },
    json: frame.events.map(storedFormJson),
  };
  // A copy: msgpackr returns a view into the buffer it packs the next one in.
  return new Uint8Array(packr.pack(body));
}

/** A digest back as the worker takes it; an error if the bytes are not one. */
export function readDigest(bytes: Uint8Array): DecodedFrame {
  const body = unpackr.unpack(bytes) as Partial<DigestBody> | null;
  const frame = body?.frame;
  const json = body?.json;
  if (!frame || !Array.isArray(frame.events) || !Array.isArray(json) || json.length !== frame.events.length)
    throw new Error('not a frame digest');
  return { frame, eventJson: json };
}
