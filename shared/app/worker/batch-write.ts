import type { EnrichedEvent } from '../../domain/match/index.ts';
import type {
  DeadLetter,
  EncodedEvents,
  EventStore,
  MatchPatch,
  MatchPlayerRow,
  PlayerRow,
  RoundRow,
  SnapshotWrite,
  StreamCheckpoint,
  WorkerWrite,
} from '../../ports/index.ts';
import type { WorkerEffect } from './engine-driver.ts';

/** The last count of each round (a batch extended with more records may count a round again). */
function lastPerRound(
  kills: readonly NonNullable<WorkerWrite['roundKills']>[number][],
): NonNullable<WorkerWrite['roundKills']>[number][] {
  const last = new Map<string, NonNullable<WorkerWrite['roundKills']>[number]>();
  for (const entry of kills) {
    const key = `${entry.matchId}\u0000${entry.number}`;
    last.delete(key);
    last.set(key, entry);
  }
  return [...last.values()];
}

/**
 * Collects one batch's writes. Rows are keyed so the last version of a match or round wins; a
 * round void drops the batch's earlier rows of the voided rounds, so their replay is what lands.
 */
export class BatchWrite {
  readonly events: EnrichedEvent[] = [];
  /** `JSON.stringify` of each event's payload, made once for the store and the dashboards. */
  readonly eventJson: string[] = [];
  /** The events, encoded by the store ahead of commit (then `events` and `eventJson` are emptied). */
  private encoded: EncodedEvents | undefined;
  readonly gaps: WorkerWrite['gaps'][number][] = [];
  /** Kills of the rounds the live statistics (re)computed in this batch. */
  readonly roundKills: NonNullable<WorkerWrite['roundKills']>[number][] = [];
  private readonly matches = new Map<string, MatchPatch>();
  private readonly rounds = new Map<string, RoundRow>();
  private readonly roundVoids: { matchId: string; fromRound: number; at: number }[] = [];
  private readonly players = new Map<string, PlayerRow>();
  private readonly matchPlayers = new Map<string, MatchPlayerRow>();
  /** Keys of the matches and rounds changed since this copy was made (one part of an extended batch). */
  private readonly changed = { matches: new Set<string>(), rounds: new Set<string>() };

  /** A copy to add more to, leaving this one as it is (a prepared batch being extended). */
  clone(): BatchWrite {
    const copy = new BatchWrite();
    // One at a time: a batch can hold more events than a spread can pass as arguments.
    for (const event of this.events) copy.events.push(event);
    for (const json of this.eventJson) copy.eventJson.push(json);
    copy.encoded = this.encoded;
    copy.gaps.push(...this.gaps);
    copy.roundKills.push(...this.roundKills);
    copy.roundVoids.push(...this.roundVoids);
    for (const [key, row] of this.matches) copy.matches.set(key, row);
    for (const [key, row] of this.rounds) copy.rounds.set(key, row);
    for (const [key, row] of this.players) copy.players.set(key, row);
    for (const [key, row] of this.matchPlayers) copy.matchPlayers.set(key, row);
    return copy;
  }

  add(effect: WorkerEffect): void {
    switch (effect.kind) {
      case 'match':
        // Later changes of the same match in the batch land on top of earlier ones.
        this.matches.set(effect.patch.id, { ...this.matches.get(effect.patch.id), ...effect.patch });
        this.changed.matches.add(effect.patch.id);
        return;
      case 'round': {
        const key = `${effect.row.matchId}\u0000${effect.row.number}`;
        this.rounds.set(key, effect.row);
        this.changed.rounds.add(key);
        return;
      }
      case 'round_void':
        for (const [key, row] of this.rounds) {
          if (row.matchId === effect.matchId && row.number >= effect.fromRound) this.rounds.delete(key);
        }
        this.roundVoids.push({ matchId: effect.matchId, fromRound: effect.fromRound, at: effect.at });
        return;
      case 'player':
        this.players.set(effect.row.steamId, effect.row);
        return;
      case 'match_player':
        this.matchPlayers.set(`${effect.row.matchId}\u0000${effect.row.steamId}`, effect.row);
        return;
      default: {
        const unexpected: never = effect;
        throw new TypeError(`unknown effect ${JSON.stringify(unexpected)}`);
      }
    }
  }

  get matchRows(): MatchPatch[] {
    return [...this.matches.values()];
  }

  get roundRows(): RoundRow[] {
    return [...this.rounds.values()];
  }

  /**
   * The match rows (each with every change the batch holds) that the records added since this
   * copy was made changed: what dashboards are told of one part of an extended batch, rather than
   * every row of the batch again with each part.
   */
  get changedMatchRows(): MatchPatch[] {
    return [...this.matches].filter(([id]) => this.changed.matches.has(id)).map(([, row]) => row);
  }

  /** The round rows the records added since this copy was made changed (see {@link changedMatchRows}). */
  get changedRoundRows(): RoundRow[] {
    return [...this.rounds].filter(([key]) => this.changed.rounds.has(key)).map(([, row]) => row);
  }

  /**
   * Lets the store encode the events now, if it can, and forgets the event objects: a prepared
   * batch waiting for its commit then holds compact bytes, which keeps the garbage collector's
   * young generation from copying thousands of live objects.
   */
  encodeWith(store: Pick<EventStore, 'encodeEvents'>): void {
    if (!store.encodeEvents || this.events.length === 0) return;
    // A batch extended with more records: those events go after the ones encoded before.
    this.encoded = store.encodeEvents(this.events, this.eventJson, this.encoded);
    this.events.length = 0;
    this.eventJson.length = 0;
  }

  toWrite(
    snapshots: readonly SnapshotWrite[],
    checkpoint: StreamCheckpoint | undefined,
    deadLetters: readonly DeadLetter[],
  ): WorkerWrite {
    return {
      events: this.events,
      eventJson: this.eventJson,
      ...(this.encoded ? { encodedEvents: this.encoded } : {}),
      matches: this.matchRows,
      rounds: this.roundRows,
      roundVoids: this.roundVoids,
      roundKills: lastPerRound(this.roundKills),
      gaps: this.gaps,
      players: [...this.players.values()],
      matchPlayers: [...this.matchPlayers.values()],
      snapshots,
      deadLetters,
      ...(checkpoint ? { checkpoint } : {}),
    };
  }
}
