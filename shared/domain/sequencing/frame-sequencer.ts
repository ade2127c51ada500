/**
 * Puts the frames of each plugin session back in `seq` order (DESIGN.md section 5).
 *
 * The stream delivers at least once and, through API Gateway, possibly out of order. Per
 * `(server, session)` the sequencer applies `seq` 1, 2, 3, … exactly once: a frame already
 * applied is a duplicate; an early frame waits in a bounded buffer; a gap that stays open past
 * the bound (too many frames waiting, or the oldest waiting too long by stream arrival time) is
 * reported and skipped. The state is plain JSON, saved with the worker's snapshot.
 */

export interface SequencerOptions {
  /** Frames that may wait for a missing one, per session. */
  maxBuffered: number;
  /** How long (stream arrival time) the oldest waiting frame may wait. */
  maxWaitMs: number;
  /** Sessions idle longer than this are forgotten (a later frame would start at `seq` 1 again). */
  sessionTtlMs: number;
}

export const DEFAULT_SEQUENCER_OPTIONS: SequencerOptions = {
  maxBuffered: 512,
  maxWaitMs: 30_000,
  sessionTtlMs: 7 * 86_400_000,
};

interface Waiting<T> {
  seq: number;
  arrivedAt: number;
  item: T;
}

interface SessionProgress<T> {
  /** The next `seq` to apply. */
  next: number;
  lastArrivedAt: number;
  /** Sorted by `seq`, no duplicates. */
  waiting: Waiting<T>[];
}

export interface SequencerState<T> {
  sessions: Record<string, SessionProgress<T>>;
}

export interface SequenceGap {
  session: string;
  /** First and last missing `seq`, inclusive. */
  from: number;
  to: number;
  reason: 'buffer_full' | 'timeout';
}

export interface OfferResult<T> {
  /** Items now ready to apply, in `seq` order (possibly several, possibly none). */
  ready: T[];
  duplicate: boolean;
  gaps: SequenceGap[];
}

export function createSequencerState<T>(): SequencerState<T> {
  // No prototype: a session is the plugin's own text, and `constructor` or `__proto__` is a session
  // like any other (on a plain object the first read Object's constructor, the second its prototype).
  return { sessions: Object.create(null) };
}

/** The session's progress, if it has one (own keys only: a state read back from JSON has a prototype). */
function progressOf<T>(state: SequencerState<T>, session: string): SessionProgress<T> | undefined {
  return Object.hasOwn(state.sessions, session) ? state.sessions[session] : undefined;
}

/** Offers one frame; mutates `state`. */
export function offerFrame<T>(
  state: SequencerState<T>,
  frame: { session: string; seq: number; arrivedAt: number; item: T },
  options: SequencerOptions = DEFAULT_SEQUENCER_OPTIONS,
): OfferResult<T> {
  let progress = progressOf(state, frame.session);
  if (!progress) {
    progress = { next: 1, lastArrivedAt: frame.arrivedAt, waiting: [] };
    // Defined, not assigned: assigning `__proto__` would change the object's prototype instead.
    Object.defineProperty(state.sessions, frame.session, {
      value: progress,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  progress.lastArrivedAt = Math.max(progress.lastArrivedAt, frame.arrivedAt);
  const result: OfferResult<T> = { ready: [], duplicate: false, gaps: [] };

  if (frame.seq < progress.next) {
    result.duplicate = true;
    return result;
  }
  if (frame.seq === progress.next) {
    result.ready.push(frame.item);
    progress.next += 1;
    drain(progress, result);
  } else {
    const at = insertionIndex(progress.waiting, frame.seq);
    if (progress.waiting[at]?.seq === frame.seq) {
      result.duplicate = true;
      return result;
    }
    progress.waiting.splice(at, 0, { seq: frame.seq, arrivedAt: frame.arrivedAt, item: frame.item });
  }
  skipExpiredGaps(frame.session, progress, frame.arrivedAt, options, result);
  return result;
}

/**
 * Closes gaps whose wait has expired by `now` (stream arrival time), for every session; call it
 * when the stream is idle so a lost frame does not hold the rest back forever.
 */
export function expireGaps<T>(
  state: SequencerState<T>,
  now: number,
  options: SequencerOptions = DEFAULT_SEQUENCER_OPTIONS,
): OfferResult<T> {
  const result: OfferResult<T> = { ready: [], duplicate: false, gaps: [] };
  for (const [session, progress] of Object.entries(state.sessions)) {
    skipExpiredGaps(session, progress, now, options, result);
    if (progress.waiting.length === 0 && now - progress.lastArrivedAt > options.sessionTtlMs) {
      delete state.sessions[session];
    }
  }
  return result;
}

function skipExpiredGaps<T>(
  session: string,
  progress: SessionProgress<T>,
  now: number,
  options: SequencerOptions,
  result: OfferResult<T>,
): void {
  for (;;) {
    const oldest = progress.waiting[0];
    if (!oldest) return;
    const full = progress.waiting.length > options.maxBuffered;
    const expired = now - Math.min(...progress.waiting.map((w) => w.arrivedAt)) > options.maxWaitMs;
    if (!full && !expired) return;
    result.gaps.push({
      session,
      from: progress.next,
      to: oldest.seq - 1,
      reason: full ? 'buffer_full' : 'timeout',
    });
    progress.next = oldest.seq;
    drain(progress, result);
  }
}

function drain<T>(progress: SessionProgress<T>, result: OfferResult<T>): void {
  while (progress.waiting[0]?.seq === progress.next) {
    result.ready.push(progress.waiting.shift()!.item);
    progress.next += 1;
  }
}

function insertionIndex(waiting: readonly Waiting<unknown>[], seq: number): number {
  let low = 0;
  let high = waiting.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (waiting[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
