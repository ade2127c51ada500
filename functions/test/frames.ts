import { encodeFrame, type Frame } from '@geqo/shared/domain/codec';

export const SERVER_ID = 'srv_0123456789ab';

/** A valid frame of `SERVER_ID` with a few flow events, encoded as a plugin sends it. */
export function frameBytes(seq: number, options: { server?: string; session?: string } = {}): Uint8Array {
  const ts = 1_700_000_000_000 + seq * 1_000;
  const events: Frame['events'] =
    seq === 1
      ? [
          { type: 'map_start', ts, tick: seq * 64, map: 'de_inferno' },
          { type: 'match_start', ts: ts + 1, tick: seq * 64 + 1 },
        ]
      : [
          { type: 'round_start', ts, tick: seq * 64 },
          { type: 'round_freeze_end', ts: ts + 1, tick: seq * 64 + 1 },
        ];
  return encodeFrame({
    v: 1,
    server: options.server ?? SERVER_ID,
    session: options.session ?? 'boot-1',
    seq,
    sentAt: ts,
    events,
  } as Frame);
}
