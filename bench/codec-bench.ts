/**
 * How close the frame codec comes to the bare libraries it is built on.
 *
 * Both sides decode the same Lz4BlockArray frames of 100 synthetic-match events:
 * - the ceiling: msgpackr `unpack` after lz4js `decompressBlock`, reading the envelope with no
 *   checks at all (what the libraries alone cost);
 * - the codec: {@link decodeFrame}, with every envelope check, the block walk that makes
 *   lz4js safe, base64-free binary input and full TypeBox validation of each event.
 * The two run in alternating slices after a warm-up, so load from other processes on a shared
 * machine falls on both alike. Target: the codec at 80 % or more of the ceiling.
 *
 * Run alone: `npx tsx bench/codec-bench.ts [--frames N] [--seconds S]`.
 */

import { pathToFileURL } from 'node:url';
import { generateSyntheticMatch } from '@geqo/test-support/synthetic-match';
import { decompressBlock } from 'lz4js';
import { Unpackr } from 'msgpackr';
import { decodeFrame, encodeFrame, type Frame } from '../shared/domain/codec/index.ts';

/** Throughput of one decoder over the measured time. */
export interface CodecThroughput {
  eventsPerSecond: number;
  /** Wire (compressed frame) megabytes per second, 1 MB = 10^6 bytes. */
  megabytesPerSecond: number;
  framesDecoded: number;
  seconds: number;
}

export interface CodecBenchResult {
  frames: number;
  eventsPerFrame: number;
  averageWireBytes: number;
  averageMsgpackBytes: number;
  ceiling: CodecThroughput;
  codec: CodecThroughput;
  /** codec / ceiling, in events per second. */
  ratio: number;
  target: number;
  passed: boolean;
}

export interface CodecBenchOptions {
  /** Frames of 100 events to build from the synthetic match (default 200). */
  frames?: number;
  /** Measured seconds per decoder (default 5), after a warm-up of a quarter of that. */
  seconds?: number;
  /** Where the one-line figures go (default console.log). */
  log?: (line: string) => void;
}

const EVENTS_PER_FRAME = 100;
const TARGET_RATIO = 0.8;
const SLICE_MS = 250;

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** Builds the frames, measures both decoders on them, prints and returns the figures. */
export async function runCodecBench(options: CodecBenchOptions = {}): Promise<CodecBenchResult> {
  const frameCount = options.frames ?? 200;
  const seconds = options.seconds ?? 5;
  const log = options.log ?? console.log;
  const frames = buildFrames(frameCount);
  const wireBytes = frames.reduce((sum, frame) => sum + frame.length, 0);
  const msgpackBytes = frames.reduce((sum, frame) => sum + bareDecompress(frame).length, 0);
  checkDecodersAgree(frames);

  const ceiling = new Meter(frames, bareDecode);
  const codec = new Meter(frames, codecDecode);
  // Warm-up: both through the JIT before anything counts.
  await alternate([ceiling, codec], (seconds * 1000) / 4, false);
  await alternate([ceiling, codec], seconds * 1000, true);

  const ceilingFigures = ceiling.figures();
  const codecFigures = codec.figures();
  const ratio = codecFigures.eventsPerSecond / ceilingFigures.eventsPerSecond;
  const result: CodecBenchResult = {
    frames: frames.length,
    eventsPerFrame: EVENTS_PER_FRAME,
    averageWireBytes: Math.round(wireBytes / frames.length),
    averageMsgpackBytes: Math.round(msgpackBytes / frames.length),
    ceiling: ceilingFigures,
    codec: codecFigures,
    ratio,
    target: TARGET_RATIO,
    passed: ratio >= TARGET_RATIO,
  };
  log(
    `codec bench: ${result.frames} Lz4BlockArray frames x ${EVENTS_PER_FRAME} events, ` +
      `${result.averageWireBytes} wire bytes (${result.averageMsgpackBytes} msgpack) per frame`,
  );
  log(`ceiling (msgpackr + lz4js): ${formatThroughput(ceilingFigures)}`);
  log(`codec (decodeFrame, validated): ${formatThroughput(codecFigures)}`);
  log(
    `ratio: ${(ratio * 100).toFixed(1)} % of the ceiling (target ${TARGET_RATIO * 100} %): ${result.passed ? 'PASS' : 'FAIL'}`,
  );
  return result;
}

function formatThroughput(figures: CodecThroughput): string {
  return (
    `${Math.round(figures.eventsPerSecond).toLocaleString('en-US')} events/s, ` +
    `${figures.megabytesPerSecond.toFixed(1)} MB/s wire ` +
    `(${figures.framesDecoded.toLocaleString('en-US')} frames in ${figures.seconds.toFixed(1)} s)`
  );
}

/** Lz4BlockArray frames of consecutive synthetic-match events, cycling the match if needed. */
function buildFrames(count: number): Uint8Array[] {
  const events = generateSyntheticMatch({ seed: 1 });
  const frames: Uint8Array[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const start = ((seq - 1) * EVENTS_PER_FRAME) % (events.length - EVENTS_PER_FRAME);
    const frame: Frame = {
      v: 1,
      server: 'bench-server',
      session: 'bench-session',
      seq,
      sentAt: events[start]!.ts,
      events: events.slice(start, start + EVENTS_PER_FRAME),
    };
    frames.push(encodeFrame(frame, { compression: 'lz4blockarray' }));
  }
  return frames;
}

/**
 * The ceiling's envelope reading: array header, ext 98 of lengths, bins, with no checks.
 * Only the forms the encoder writes are handled (fixarray, fixext/ext8, positive fixint to
 * uint32 lengths, bin32 chunks).
 */
function bareDecompress(bytes: Uint8Array): Uint8Array {
  const chunkCount = bytes[0]! - 0x91;
  let at = 1;
  const extToken = bytes[at]!;
  at += extToken === 0xc7 ? 3 : 2;
  const lengths: number[] = [];
  let total = 0;
  for (let chunk = 0; chunk < chunkCount; chunk++) {
    const token = bytes[at]!;
    let length: number;
    if (token <= 0x7f) {
      length = token;
      at += 1;
    } else if (token === 0xcc) {
      length = bytes[at + 1]!;
      at += 2;
    } else if (token === 0xcd) {
      length = (bytes[at + 1]! << 8) | bytes[at + 2]!;
      at += 3;
    } else {
      length =
        ((bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!) >>> 0;
      at += 5;
    }
    lengths.push(length);
    total += length;
  }
  const output = new Uint8Array(total);
  let written = 0;
  for (const length of lengths) {
    const blockLength =
      ((bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!) >>> 0;
    decompressBlock(bytes, output, at + 5, blockLength, written);
    written += length;
    at += 5 + blockLength;
  }
  return output;
}

function bareDecode(bytes: Uint8Array): number {
  const value = unpackr.unpack(bareDecompress(bytes)) as { events: unknown[] };
  return value.events.length;
}

function codecDecode(bytes: Uint8Array): number {
  const result = decodeFrame(bytes);
  if (!result.ok) throw new Error(`the codec rejected a bench frame: ${result.code} ${result.message}`);
  return result.frame.events.length;
}

/** Both decoders must see the same events, or the comparison means nothing. */
function checkDecodersAgree(frames: Uint8Array[]): void {
  for (const frame of frames) {
    const bare = JSON.stringify(unpackr.unpack(bareDecompress(frame)));
    const result = decodeFrame(frame);
    if (!result.ok || JSON.stringify(result.frame) !== bare)
      throw new Error('the decoders disagree on a bench frame');
  }
}

/** Decodes the frames round and round, adding up time, events and wire bytes while counting. */
class Meter {
  private events = 0;
  private wireBytes = 0;
  private framesDecoded = 0;
  private next = 0;
  private elapsedMs = 0;

  constructor(
    private readonly frames: Uint8Array[],
    private readonly decode: (bytes: Uint8Array) => number,
  ) {}

  run(durationMs: number, counting: boolean): void {
    const started = performance.now();
    let events = 0;
    let wireBytes = 0;
    let decoded = 0;
    let now = started;
    // A frame takes well under a millisecond, so the clock is read after each one.
    do {
      const frame = this.frames[this.next]!;
      this.next = (this.next + 1) % this.frames.length;
      events += this.decode(frame);
      wireBytes += frame.length;
      decoded++;
      now = performance.now();
    } while (now - started < durationMs);
    if (!counting) return;
    this.events += events;
    this.wireBytes += wireBytes;
    this.framesDecoded += decoded;
    this.elapsedMs += now - started;
  }

  figures(): CodecThroughput {
    const seconds = this.elapsedMs / 1000;
    return {
      eventsPerSecond: this.events / seconds,
      megabytesPerSecond: this.wireBytes / 1e6 / seconds,
      framesDecoded: this.framesDecoded,
      seconds,
    };
  }
}

/** Runs the meters in turn, a slice each, until each has had `totalMs`; yields between slices. */
async function alternate(meters: Meter[], totalMs: number, counting: boolean): Promise<void> {
  const slices = Math.max(1, Math.round(totalMs / SLICE_MS));
  for (let slice = 0; slice < slices; slice++) {
    for (const meter of meters) meter.run(totalMs / slices, counting);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function readFlag(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const entryPoint = process.argv[1];
if (entryPoint !== undefined && import.meta.url === pathToFileURL(entryPoint).href) {
  const result = await runCodecBench({ frames: readFlag('--frames'), seconds: readFlag('--seconds') });
  process.exitCode = result.passed ? 0 : 1;
}
