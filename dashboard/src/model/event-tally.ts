/**
 * A minimal scoreboard counted from the events the page has seen: kills, deaths, assists,
 * headshot kills and damage. Only used when the platform offers neither the summary endpoint
 * nor live `stats` messages; the server's statistics (reference/stats.md) are the real figures.
 * Damage follows their rule: each hit capped at the victim's health before it, enemies only.
 */

import { type LiveEvent, num, text } from './live-event.ts';
import type { Side } from './match-card.ts';

export interface TallyLine {
  steamId: string;
  kills: number;
  deaths: number;
  assists: number;
  headshotKills: number;
  damage: number;
}

/** Phases whose events do not count: warmup and the knife round. */
const UNCOUNTED_PHASES: ReadonlySet<string> = new Set(['warmup', 'knife']);
const FULL_HEALTH = 100;

export class EventTally {
  private readonly byPlayer = new Map<string, TallyLine>();
  /** Each victim's health after the last hit of the round in progress. */
  private readonly healthLeft = new Map<string, number>();
  private round = Number.NaN;

  constructor(private readonly sideOf: (steamId: string) => Side | undefined) {}

  private line(steamId: string): TallyLine {
    let line = this.byPlayer.get(steamId);
    if (!line) {
      line = { steamId, kills: 0, deaths: 0, assists: 0, headshotKills: 0, damage: 0 };
      this.byPlayer.set(steamId, line);
    }
    return line;
  }

  private enemies(a: string, b: string): boolean {
    const sideA = this.sideOf(a);
    const sideB = this.sideOf(b);
    return a !== b && (sideA === undefined || sideB === undefined || sideA !== sideB);
  }

  /** Counts one event (events must come once each, in order). */
  add(event: LiveEvent): void {
    if (event.round !== this.round || event.type === 'round_start') {
      this.round = event.round;
      this.healthLeft.clear();
    }
    if (UNCOUNTED_PHASES.has(event.phase)) return;
    const { data } = event;
    if (event.type === 'player_death') {
      const victim = text(data, 'victim');
      if (!victim) return;
      this.line(victim).deaths += 1;
      const attacker = text(data, 'attacker');
      if (attacker && this.enemies(attacker, victim)) {
        const line = this.line(attacker);
        line.kills += 1;
        if (data.headshot === true) line.headshotKills += 1;
      }
      const assister = text(data, 'assister');
      if (assister && this.enemies(assister, victim)) this.line(assister).assists += 1;
    } else if (event.type === 'player_hurt') {
      const victim = text(data, 'victim');
      const attacker = text(data, 'attacker');
      const dealt = num(data, 'dmgHealth') ?? 0;
      if (!victim) return;
      const before = this.healthLeft.get(victim) ?? FULL_HEALTH;
      this.healthLeft.set(victim, num(data, 'health') ?? Math.max(0, before - dealt));
      if (attacker && this.enemies(attacker, victim)) this.line(attacker).damage += Math.min(dealt, before);
    }
  }

  lines(): TallyLine[] {
    return [...this.byPlayer.values()];
  }
}
