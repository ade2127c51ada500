/**
 * The CS2 log as it arrives over HTTP (`logaddress_add_http`): bodies of `\n`-separated lines,
 * turned into canonical events in line order.
 *
 * What spans lines is handled here and in the parse state: a line cut between two bodies waits
 * for the rest, a round_stats block is gathered across bodies, and a kill is held back for one
 * line because the assist line the server prints right after it belongs in the same
 * `player_death`. All of it is plain JSON ({@link LogStreamParser.toJSON}), so the next body of a
 * server can be parsed by another process (a Lambda) from where the last one stopped.
 */
import type { EventOf, GameEvent } from '../events/index.ts';
import { createLogParseContext, type LogParseContext, type LogParseState } from './log-parse-context.ts';
import { type KillAssist, parseLogLine } from './parse-log-line.ts';

/** Lines read, by outcome, and events emitted. */
export interface LogParseStats {
  /** Non-blank lines read (all outcomes). */
  lines: number;
  /** Events emitted. */
  events: number;
  unknown: number;
  malformed: number;
  ignored: number;
}

/** Everything a {@link LogStreamParser} carries between bodies, as plain JSON. */
export interface LogStreamState {
  version: 1;
  utcOffsetMinutes: number;
  /** The unterminated end of the last body. */
  partialLine: string;
  /** The line in progress outgrew {@link MAX_LOG_LINE_LENGTH}: the rest of it, up to its newline, is dropped. */
  discardingLine: boolean;
  parse: LogParseState;
  /** A kill not yet emitted: the next line may be its assist. */
  pendingDeath: EventOf<'player_death'> | null;
  stats: LogParseStats;
}

/** A saved state that this version cannot resume from. */
export class LogStreamStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogStreamStateError';
  }
}

/** A line longer than this is not a CS2 log line; its pieces are dropped rather than kept growing. */
export const MAX_LOG_LINE_LENGTH = 65_536;

/**
 * Parses one server's log stream. Stateful and pure: feed it every body of one server, in order.
 *
 * @example
 * const parser = new LogStreamParser({ utcOffsetMinutes: 60 });
 * const events = parser.push(body);   // per POST body
 * const rest = parser.flush();        // at the end of the input
 */
export class LogStreamParser {
  private readonly context: LogParseContext;
  private partialLine = '';
  private discardingLine = false;
  private pendingDeath: EventOf<'player_death'> | null = null;
  private readonly counts: LogParseStats = { lines: 0, events: 0, unknown: 0, malformed: 0, ignored: 0 };

  /** @param options.utcOffsetMinutes the server's local time minus UTC (log times are local). */
  constructor(options: { utcOffsetMinutes?: number } = {}) {
    this.context = createLogParseContext(options);
  }

  /** Resumes from {@link toJSON}'s output (e.g. after a round trip through storage). */
  static fromJSON(saved: LogStreamState): LogStreamParser {
    if (saved?.version !== 1 || typeof saved.partialLine !== 'string' || saved.parse === undefined) {
      throw new LogStreamStateError('not a version 1 log stream state');
    }
    const copy = structuredClone(saved);
    const parser = new LogStreamParser({ utcOffsetMinutes: copy.utcOffsetMinutes });
    parser.context.state = copy.parse;
    parser.partialLine = copy.partialLine;
    parser.discardingLine = copy.discardingLine === true;
    parser.pendingDeath = copy.pendingDeath;
    Object.assign(parser.counts, copy.stats);
    return parser;
  }

  /**
   * Parses one body. Complete lines become events now; an unterminated last line waits for the
   * next body, and a kill at the very end waits for a possible assist.
   */
  push(chunk: string): GameEvent[] {
    const out: GameEvent[] = [];
    let newline = chunk.indexOf('\n');
    if (newline < 0) {
      this.keepPartial(chunk);
      return out;
    }
    if (this.discardingLine) {
      this.discardingLine = false;
    } else {
      const head = chunk.slice(0, newline);
      this.readLine(this.partialLine === '' ? head : this.partialLine + head, out);
    }
    this.partialLine = '';
    let start = newline + 1;
    for (newline = chunk.indexOf('\n', start); newline >= 0; newline = chunk.indexOf('\n', start)) {
      this.readLine(chunk.slice(start, newline), out);
      start = newline + 1;
    }
    if (start < chunk.length) this.keepPartial(chunk.slice(start));
    return out;
  }

  /** Ends the input: the last unterminated line is parsed, a held kill released, an open block dropped. */
  flush(): GameEvent[] {
    const out: GameEvent[] = [];
    if (this.partialLine !== '' && !this.discardingLine) this.readLine(this.partialLine, out);
    this.partialLine = '';
    this.discardingLine = false;
    this.releaseDeath(out);
    if (this.context.state.jsonBlock !== null) {
      this.context.state.jsonBlock = null;
      this.counts.malformed++;
    }
    return out;
  }

  /** Counts so far (a copy). */
  stats(): LogParseStats {
    return { ...this.counts };
  }

  /** The whole state as plain JSON (a copy): store it, and resume with {@link LogStreamParser.fromJSON}. */
  toJSON(): LogStreamState {
    return structuredClone({
      version: 1,
      utcOffsetMinutes: this.context.utcOffsetMinutes,
      partialLine: this.partialLine,
      discardingLine: this.discardingLine,
      parse: this.context.state,
      pendingDeath: this.pendingDeath,
      stats: this.counts,
    });
  }

  private keepPartial(piece: string): void {
    if (this.discardingLine) return;
    if (this.partialLine.length + piece.length > MAX_LOG_LINE_LENGTH) {
      this.partialLine = '';
      this.discardingLine = true;
      this.counts.lines++;
      this.counts.malformed++;
      return;
    }
    this.partialLine += piece;
  }

  private readLine(raw: string, out: GameEvent[]): void {
    const line = raw.charCodeAt(raw.length - 1) === 13 /* \r */ ? raw.slice(0, -1) : raw;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
    this.counts.lines++;
    const parsed = parseLogLine(line, this.context);
    if (parsed.kind === 'assist') {
      this.attachAssist(parsed.assist, out);
      return;
    }
    this.releaseDeath(out);
    switch (parsed.kind) {
      case 'events': {
        const events = parsed.events;
        const last = events.length - 1;
        for (let index = 0; index < last; index++) this.emit(events[index]!, out);
        const final = events[last];
        if (final?.type === 'player_death') this.pendingDeath = final;
        else if (final !== undefined) this.emit(final, out);
        return;
      }
      case 'pending':
        return;
      case 'ignored':
        this.counts.ignored++;
        return;
      case 'unknown':
        this.counts.unknown++;
        return;
      case 'malformed':
        this.counts.malformed++;
        return;
    }
  }

  /** The server prints at most one assist, right after its kill: merge it and release the kill. */
  private attachAssist(assist: KillAssist, out: GameEvent[]): void {
    const death = this.pendingDeath;
    if (death === null || death.victim !== assist.victim || death.assister !== undefined) {
      this.releaseDeath(out);
      this.counts.ignored++;
      return;
    }
    death.assister = assist.assister;
    death.assistedFlash = assist.flash;
    this.releaseDeath(out);
  }

  private releaseDeath(out: GameEvent[]): void {
    if (this.pendingDeath === null) return;
    this.emit(this.pendingDeath, out);
    this.pendingDeath = null;
  }

  private emit(event: GameEvent, out: GameEvent[]): void {
    out.push(event);
    this.counts.events++;
  }
}
