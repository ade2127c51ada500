import { type CodecLimits, DEFAULT_CODEC_LIMITS, decodeFrame, type Frame } from '../../domain/codec/index.ts';
import type { Logger, Metrics, StreamProducer, StreamRecord } from '../../ports/index.ts';

/** What ingest answers a plugin, as JSON text (DESIGN.md section 3). */
export type IngestReply =
  | { type: 'ack'; seq: number }
  | { type: 'error'; code: string; message: string; seq?: number; retriable?: boolean };

/** What ingest needs to know of a frame: valid (and what it holds), or why not. */
export type FrameCheck =
  | { ok: true; frame: Frame }
  | { ok: false; code: string; message: string; seq?: number };

/**
 * {@link FrameCheck} of a frame decoded here (the decoded frame included). `receivedAt` (default:
 * this process's clock) holds the frame's `sentAt` and events' `ts` to the codec's time window.
 */
export function checkFrame(
  message: Uint8Array | string,
  limits: CodecLimits,
  receivedAt: number = Date.now(),
): FrameCheck {
  const decoded = decodeFrame(message, limits, receivedAt);
  if (!decoded.ok) return { ok: false, code: decoded.code, message: decoded.message, ...seqOf(decoded.seq) };
  return { ok: true, frame: decoded.frame };
}

export interface FrameIngestorDeps {
  producer: StreamProducer;
  /** `raw-game-events`. */
  stream: string;
  logger: Logger;
  metrics: Metrics;
  limits?: Partial<CodecLimits>;
  /**
   * Speed machinery of `geqo up`: the digest of each frame that passed, put on the stream with its
   * record for a worker in the same process (`StreamRecord.digest`). A failure here only leaves
   * the record without one, as does `undefined` (the worker is not taking digests just now).
   */
  digest?: (frame: Frame) => Uint8Array | undefined;
}

/**
 * The ingest use case: validate one frame from an authenticated server and put it, as the bytes
 * received, on the raw stream (partition key: the server id). The ack is sent only once the
 * stream holds the frame; a bad frame gets an error reply and changes nothing else.
 */
export class FrameIngestor {
  private readonly limits: CodecLimits;

  constructor(private readonly deps: FrameIngestorDeps) {
    this.limits = { ...DEFAULT_CODEC_LIMITS, ...deps.limits };
  }

  /**
   * The reply to one frame. Never rejects: a failure nobody foresaw (a bug, a metrics sink that
   * throws) is logged and answered `INTERNAL`, retriable, so the plugin resends the frame rather
   * than wait for an ack that never comes (a frame answered so may be on the stream already: the
   * worker stores a frame sent twice once).
   */
  async ingest(serverId: string, message: Uint8Array | string): Promise<IngestReply> {
    try {
      return await this.take(serverId, message);
    } catch (error) {
      this.deps.logger.error('frame ingest failed', { serverId, error: describeError(error) });
      return {
        type: 'error',
        code: 'INTERNAL',
        message: 'the frame could not be taken just now; resend it later',
        retriable: true,
      };
    }
  }

  private async take(serverId: string, message: Uint8Array | string): Promise<IngestReply> {
    const { logger, metrics } = this.deps;
    const started = performance.now();
    const checked = checkFrame(message, this.limits);
    // Frame in to checked (decoding and validation).
    metrics.observe('ingest_check_ms', performance.now() - started);
    if (!checked.ok) {
      metrics.count('ingest_frames_rejected', 1, { code: checked.code });
      logger.warn('frame rejected', {
        serverId,
        code: checked.code,
        reason: checked.message,
        seq: checked.seq,
      });
      return { type: 'error', code: checked.code, message: checked.message, ...seqOf(checked.seq) };
    }
    const { frame } = checked;
    if (frame.server !== serverId) {
      metrics.count('ingest_frames_rejected', 1, { code: 'SERVER_MISMATCH' });
      logger.warn('frame names another server', { serverId, frameServer: frame.server, seq: frame.seq });
      return {
        type: 'error',
        code: 'SERVER_MISMATCH',
        message: `frame names server "${frame.server}" but this connection is authenticated as "${serverId}"`,
        seq: frame.seq,
      };
    }
    const bytes = typeof message === 'string' ? Buffer.from(message, 'base64') : message;
    const record = { partitionKey: serverId, data: bytes, ...this.digestOf(frame) };
    return this.put(record, frame.seq, frame.events.length, started);
  }

  /**
   * Puts an accepted frame's record on the stream and answers. Only what the reply needs comes
   * here: the decoded events are garbage while the stream commits, instead of surviving a
   * young-generation collection.
   */
  private async put(
    record: StreamRecord,
    seq: number,
    events: number,
    started: number,
  ): Promise<IngestReply> {
    const { logger, metrics } = this.deps;
    try {
      await this.deps.producer.put(this.deps.stream, [record]);
    } catch (error) {
      metrics.count('ingest_stream_errors');
      logger.error('stream put failed', { serverId: record.partitionKey, seq, error: describeError(error) });
      return {
        type: 'error',
        code: 'UNAVAILABLE',
        message: 'the event stream is not available right now; resend this frame later',
        seq,
        retriable: true,
      };
    }
    metrics.count('ingest_frames');
    metrics.count('ingest_events', events);
    // Frame in to ack out: checked, and committed to the stream.
    metrics.observe('ingest_ack_ms', performance.now() - started);
    return { type: 'ack', seq };
  }

  private digestOf(frame: Frame): { digest?: Uint8Array } {
    try {
      const digest = this.deps.digest?.(frame);
      return digest ? { digest } : {};
    } catch (error) {
      this.deps.logger.warn('could not make a frame digest; the worker decodes the frame', {
        error: String(error),
      });
      return {};
    }
  }
}

const seqOf = (seq: number | undefined) => (seq === undefined ? {} : { seq });

/** An error and its causes, on one line (adapters wrap the client's error as `cause`). */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 4; depth += 1) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    const inner = current instanceof AggregateError ? current.errors[0] : undefined;
    current = current instanceof Error ? (current.cause ?? inner) : undefined;
  }
  return parts.join(' <- ');
}
