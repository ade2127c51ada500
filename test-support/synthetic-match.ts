/**
 * A deterministic, realistic competitive match as a plugin would stream it: connects and
 * teams, then per round the buy phase (purchases, economy), 8 Hz positions of all ten
 * players, footsteps, shots, damage, kills, grenades and the bomb, and the round result with
 * the running score; halftime swaps sides. Used by the codec benchmark, the end-to-end
 * benchmark and the replay load test, so the same seed always gives the same events.
 *
 * The format is MR(rounds/2): halftime after `rounds / 2` rounds (round 12 by default) and
 * exactly `rounds` rounds are played, so the winner finishes one round clear (13-11 by
 * default). Rounds are decided first (winner, reason, length), then played out so that every
 * event agrees with them: only living players shoot, are hurt or die, health only falls
 * within a round, an elimination ends the round on its last kill, a bomb round ends on the
 * explosion or the defuse.
 */
import type { EventOf, GameEvent, PlayingSide, RoundEndReason, Vec3 } from '@geqo/shared/domain/events';

/** How {@link generateSyntheticMatch} shapes the match. */
export interface SyntheticMatchOptions {
  /** Rounds played, default 24 (MR12, 13-11). */
  rounds?: number;
  /** PRNG seed, default 1. */
  seed?: number;
  /** Epoch ms of the first event, default 2026-01-01T18:00:00Z. */
  startTs?: number;
  /** Always 10 (5 v 5). */
  players?: 10;
}

const DEFAULT_START_TS = Date.UTC(2026, 0, 1, 18, 0, 0);
const TICK_RATE = 64;
const POSITION_INTERVAL_MS = 125; // 8 Hz
const FREEZE_TIME_MS = 15_000;
const ROUND_RESTART_DELAY_MS = 7_000;
const HALFTIME_MS = 15_000;
const BOMB_TIMER_MS = 40_000;
const START_MONEY = 800;
const MAX_MONEY = 16_000;
const TEAM_SIZE = 5;

const TEAM_NAMES = ['Northern Lights', 'Copper Foxes'] as const;
const PLAYER_NAMES = [
  'aurora',
  'vinter',
  'fjell',
  'kvist',
  'polar',
  'rust',
  'ember',
  'vixen',
  'kettle',
  'tinder',
];

/** Damage to an armoured body and head, and the time between shots. */
interface WeaponSpec {
  body: number;
  head: number;
  intervalMs: number;
  price: number;
  killReward: number;
}

const WEAPONS: Record<string, WeaponSpec> = {
  glock: { body: 12, head: 50, intervalMs: 150, price: 0, killReward: 300 },
  usp_silencer: { body: 16, head: 70, intervalMs: 170, price: 0, killReward: 300 },
  p250: { body: 22, head: 88, intervalMs: 150, price: 300, killReward: 300 },
  mac10: { body: 15, head: 58, intervalMs: 75, price: 1050, killReward: 600 },
  mp9: { body: 16, head: 64, intervalMs: 70, price: 1250, killReward: 600 },
  galilar: { body: 23, head: 94, intervalMs: 90, price: 1800, killReward: 300 },
  famas: { body: 21, head: 86, intervalMs: 90, price: 2050, killReward: 300 },
  ak47: { body: 27, head: 111, intervalMs: 100, price: 2700, killReward: 300 },
  m4a1_silencer: { body: 29, head: 92, intervalMs: 100, price: 2900, killReward: 300 },
  awp: { body: 110, head: 448, intervalMs: 1460, price: 4750, killReward: 100 },
};

const GRENADE_PRICES: Record<string, number> = {
  smokegrenade: 300,
  flashbang: 200,
  hegrenade: 300,
  molotov: 400,
  incgrenade: 500,
};

/** What every purchasable item costs. */
const ITEM_PRICES: Record<string, number> = {
  ...Object.fromEntries(Object.entries(WEAPONS).map(([weapon, spec]) => [weapon, spec.price])),
  ...GRENADE_PRICES,
  vest: 650,
  vesthelm: 1_000,
  defuser: 400,
};

const HITGROUPS = ['chest', 'stomach', 'left_arm', 'right_arm', 'left_leg', 'right_leg'];

/** Rough de_mirage coordinates: spawns and the places fights happen. */
const MAP_NAME = 'de_mirage';
const SPAWNS: Record<PlayingSide, Vec3> = { T: [1200, 0, -160], CT: [-1700, -2000, -260] };
const HOTSPOTS: Vec3[] = [
  [-300, -2100, -170],
  [-2100, 500, -160],
  [-400, -600, -100],
  [300, -1300, -100],
  [-1300, -500, -80],
];
const BOMB_SITES = ['A', 'B'] as const;

/** mulberry32: small, fast, and good enough for shaping a synthetic match. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Player {
  steamId: string;
  name: string;
  team: 0 | 1;
  money: number;
  primary: string | undefined;
  grenades: string[];
  hasDefuser: boolean;
  health: number;
  armor: number;
  alive: boolean;
  pos: Vec3;
  target: Vec3;
  speed: number;
  yaw: number;
  /** Until when the player is in a scripted duel (grenade damage leaves them alone). */
  engagedUntil: number;
}

interface PendingAction {
  at: number;
  run: () => void;
}

/** Queues an action to run when the 8 Hz clock reaches `at` (actions at the same time run in order). */
type Schedule = (at: number, run: () => void) => void;

/** A duel starts this long before its kill; kills are planned further apart, so duels never overlap. */
const DUEL_MS = 1_200;

/**
 * Generates a whole match as events in time order (`ts` never decreases). Every event is
 * valid against the catalog.
 */
export function generateSyntheticMatch(options: SyntheticMatchOptions = {}): GameEvent[] {
  const rounds = options.rounds ?? 24;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  return new SyntheticMatch(options.seed ?? 1, options.startTs ?? DEFAULT_START_TS, rounds).play();
}

class SyntheticMatch {
  private readonly random: () => number;
  private readonly events: GameEvent[] = [];
  private readonly players: Player[];
  private readonly score: [number, number] = [0, 0];
  private readonly lossStreak: [number, number] = [0, 0];
  private readonly halfLength: number;
  private readonly winThreshold: number;
  private now: number;
  /** The round being played (1-based). */
  private round = 1;

  constructor(
    seed: number,
    private readonly startTs: number,
    private readonly rounds: number,
  ) {
    this.random = createRandom(seed);
    this.now = startTs;
    this.halfLength = Math.floor(rounds / 2);
    this.winThreshold = this.halfLength + 1;
    const idBase = 76561198000000000n + BigInt(Math.floor(this.random() * 1e8)) * 100n;
    this.players = PLAYER_NAMES.map((name, index) => ({
      steamId: (idBase + BigInt(index)).toString(),
      name,
      team: index < TEAM_SIZE ? 0 : 1,
      money: START_MONEY,
      primary: undefined,
      grenades: [],
      hasDefuser: false,
      health: 100,
      armor: 0,
      alive: true,
      pos: [...SPAWNS.CT],
      target: [...SPAWNS.CT],
      speed: 0,
      yaw: 0,
      engagedUntil: 0,
    }));
  }

  play(): GameEvent[] {
    this.emit({ type: 'map_start', ts: this.now, map: MAP_NAME });
    for (const player of this.players) {
      this.now += 400 + Math.floor(this.random() * 1500);
      this.emit({ type: 'player_connect', ts: this.now, steamId: player.steamId, name: player.name });
      this.emit({
        type: 'player_team',
        ts: this.now + 50,
        steamId: player.steamId,
        side: this.sideOf(player.team, 1),
      });
    }
    this.now += 1_000;
    this.emitTeamNames(1);
    this.emit({ type: 'match_start', ts: this.now });
    for (let round = 1; round <= this.rounds; round++) {
      this.playRound(round);
    }
    return this.events;
  }

  private emit(event: GameEvent): void {
    event.tick = Math.round(((event.ts - this.startTs) * TICK_RATE) / 1000);
    this.events.push(event);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private between(low: number, high: number): number {
    return low + this.random() * (high - low);
  }

  /** Team 0 starts as CT and swaps at halftime. */
  private sideOf(team: 0 | 1, round: number): PlayingSide {
    const firstHalf = round <= this.halfLength || this.halfLength === 0;
    return (team === 0) === firstHalf ? 'CT' : 'T';
  }

  private teamOn(side: PlayingSide, round: number): 0 | 1 {
    return this.sideOf(0, round) === side ? 0 : 1;
  }

  private emitTeamNames(round: number): void {
    this.emit({
      type: 'team_names',
      ts: this.now,
      ct: TEAM_NAMES[this.teamOn('CT', round)],
      t: TEAM_NAMES[this.teamOn('T', round)],
    });
  }

  private playRound(round: number): void {
    this.round = round;
    const isPistolRound = round === 1 || round === this.halfLength + 1;
    const roundStart = this.now;
    this.emit({ type: 'round_start', ts: roundStart });
    for (const player of this.players) this.spawn(player, round);
    this.buyPhase(round, isPistolRound, roundStart);
    const freezeEnd = roundStart + FREEZE_TIME_MS;
    this.emit({ type: 'round_freeze_end', ts: freezeEnd });

    const plan = this.planRound(round);
    const roundEnd = freezeEnd + plan.durationMs;
    this.playLive(freezeEnd, roundEnd, plan);

    const winnerTeam = this.teamOn(plan.winner, round);
    this.score[winnerTeam]++;
    this.settleMoney(winnerTeam, plan.reason);
    this.emit({
      type: 'round_end',
      ts: roundEnd,
      winner: plan.winner,
      reason: plan.reason,
      scoreCT: this.score[this.teamOn('CT', round)],
      scoreT: this.score[this.teamOn('T', round)],
    });

    if (round === this.rounds) {
      this.now = roundEnd + 1;
      this.emit({
        type: 'match_end',
        ts: this.now,
        scoreCT: this.score[this.teamOn('CT', round)],
        scoreT: this.score[this.teamOn('T', round)],
      });
      return;
    }
    const officialEnd = roundEnd + ROUND_RESTART_DELAY_MS;
    this.playPostRound(roundEnd, officialEnd);
    this.emit({ type: 'round_officially_ended', ts: officialEnd });
    this.now = officialEnd + 1;
    if (round === this.halfLength) this.halftime(round + 1);
  }

  private halftime(nextRound: number): void {
    this.emit({ type: 'halftime', ts: this.now });
    for (const player of this.players) {
      this.now += 20;
      this.emit({
        type: 'player_team',
        ts: this.now,
        steamId: player.steamId,
        side: this.sideOf(player.team, nextRound),
      });
      player.money = START_MONEY;
      player.primary = undefined;
      player.grenades = [];
      player.hasDefuser = false;
      player.armor = 0;
    }
    this.lossStreak[0] = 0;
    this.lossStreak[1] = 0;
    this.emitTeamNames(nextRound);
    this.now += HALFTIME_MS;
  }

  private spawn(player: Player, round: number): void {
    const side = this.sideOf(player.team, round);
    if (!player.alive) {
      // The dead lose what they carried; survivors keep weapons, armour and utility.
      player.primary = undefined;
      player.grenades = [];
      player.hasDefuser = false;
      player.armor = 0;
    }
    player.alive = true;
    player.health = 100;
    player.engagedUntil = 0;
    const spawn = SPAWNS[side];
    player.pos = [
      round2(spawn[0] + this.between(-150, 150)),
      round2(spawn[1] + this.between(-150, 150)),
      spawn[2],
    ];
    player.target = [...player.pos];
    player.speed = 0;
    player.yaw = side === 'CT' ? 90 : -90;
    this.emit({ type: 'player_spawn', ts: this.now + 5, steamId: player.steamId, side });
  }

  /** Buys for each player by the team's economy: pistol round, eco, force or full buy. */
  private buyPhase(round: number, isPistolRound: boolean, roundStart: number): void {
    let buyClock = roundStart + 1_000;
    for (const team of [0, 1] as const) {
      const side = this.sideOf(team, round);
      const members = this.players.filter((player) => player.team === team);
      const average = members.reduce((sum, player) => sum + player.money, 0) / TEAM_SIZE;
      const mode = isPistolRound
        ? 'pistol'
        : average >= 3_700
          ? 'full'
          : average >= 2_000 && this.lossStreak[team] >= 2
            ? 'force'
            : 'eco';
      members.forEach((player, index) => {
        const purchases: string[] = [];
        const buy = (item: string): boolean => {
          const price = ITEM_PRICES[item] ?? 0;
          if (player.money < price) return false;
          player.money -= price;
          purchases.push(item);
          return true;
        };
        if (mode === 'pistol') {
          if (this.random() < 0.5) {
            if (buy('vest')) player.armor = 100;
          } else if (buy('p250')) player.primary = 'p250';
          if (this.random() < 0.6 && buy('flashbang')) player.grenades.push('flashbang');
        } else if (mode === 'eco') {
          if (this.random() < 0.3 && !player.primary && buy('p250')) player.primary = 'p250';
        } else {
          if (!player.primary || player.primary === 'p250') {
            const wanted =
              mode === 'force'
                ? side === 'T'
                  ? this.pick(['galilar', 'mac10'])
                  : this.pick(['famas', 'mp9'])
                : index === 4 && player.money >= 5_500
                  ? 'awp'
                  : side === 'T'
                    ? 'ak47'
                    : 'm4a1_silencer';
            if (buy(wanted)) player.primary = wanted;
          }
          if (player.armor < 100 && buy('vesthelm')) player.armor = 100;
          const utility = ['smokegrenade', 'flashbang', side === 'T' ? 'molotov' : 'incgrenade', 'hegrenade'];
          for (const grenade of utility) {
            if (player.grenades.length < 4 && this.random() < 0.7 && buy(grenade)) {
              player.grenades.push(grenade);
            }
          }
          if (side === 'CT' && !player.hasDefuser && this.random() < 0.6 && buy('defuser'))
            player.hasDefuser = true;
        }
        for (const item of purchases) {
          buyClock += 60 + Math.floor(this.random() * 120);
          this.emit({
            type: 'item_purchase',
            ts: buyClock,
            steamId: player.steamId,
            item,
            cost: ITEM_PRICES[item] ?? 0,
          });
        }
      });
    }
    this.emit({
      type: 'economy',
      ts: roundStart + FREEZE_TIME_MS - 1_000,
      players: this.players.map((player) => ({
        steamId: player.steamId,
        money: player.money,
        equipValue: this.equipValue(player),
      })),
    });
  }

  private equipValue(player: Player): number {
    const primary = player.primary ? WEAPONS[player.primary]!.price : 200;
    const grenades = player.grenades.reduce((sum, grenade) => sum + GRENADE_PRICES[grenade]!, 0);
    return primary + grenades + (player.armor > 0 ? 1_000 : 0) + (player.hasDefuser ? 400 : 0);
  }

  private settleMoney(winnerTeam: 0 | 1, reason: RoundEndReason): void {
    const loserTeam = winnerTeam === 0 ? 1 : 0;
    this.lossStreak[winnerTeam] = 0;
    this.lossStreak[loserTeam]++;
    const lossBonus = 1_400 + 500 * Math.min(this.lossStreak[loserTeam] - 1, 4);
    const winReward = reason === 'target_bombed' || reason === 'bomb_defused' ? 3_500 : 3_250;
    for (const player of this.players) {
      const reward = player.team === winnerTeam ? winReward : lossBonus;
      player.money = Math.min(MAX_MONEY, player.money + reward);
    }
  }

  /**
   * Decides the round before it is played: the winner (economy-weighted, kept so that neither
   * team clinches before the last round), the reason, the length and who dies on which side.
   */
  private planRound(round: number): RoundPlan {
    const equipment = (team: 0 | 1) =>
      this.players
        .filter((player) => player.team === team)
        .reduce((sum, player) => sum + this.equipValue(player), 0);
    // Better equipment wins more often, but the score also drifts towards a close finish: each
    // team may win at most `winThreshold - 1` rounds before the last one.
    const economyChance = 0.5 + 0.3 * Math.tanh((equipment(0) - equipment(1)) / 12_000);
    const allowed = (team: 0 | 1) => this.winThreshold - 1 - this.score[team];
    let winnerTeam: 0 | 1;
    if (round === this.rounds && this.score[0] !== this.score[1]) {
      winnerTeam = this.score[0] > this.score[1] ? 0 : 1;
    } else if (round === this.rounds) {
      winnerTeam = this.random() < economyChance ? 0 : 1;
    } else if (allowed(0) === 0 || allowed(1) === 0) {
      winnerTeam = allowed(0) === 0 ? 1 : 0;
    } else {
      const quotaChance = allowed(0) / (allowed(0) + allowed(1));
      winnerTeam = this.random() < 0.75 * quotaChance + 0.25 * economyChance ? 0 : 1;
    }
    const winner = this.sideOf(winnerTeam, round);
    const otherSide = (side: PlayingSide): PlayingSide => (side === 'CT' ? 'T' : 'CT');

    const loser = otherSide(winner);
    const roll = this.random();
    const reason: RoundEndReason =
      winner === 'T' ? (roll < 0.5 ? 't_win' : 'target_bombed') : roll < 0.65 ? 'ct_win' : 'bomb_defused';
    const bombRound = reason === 'target_bombed' || reason === 'bomb_defused';
    const durationMs = Math.round(
      reason === 'target_bombed'
        ? this.between(75_000, 95_000)
        : this.between(bombRound ? 62_000 : 60_000, 100_000),
    );
    const plantAt = bombRound
      ? reason === 'target_bombed'
        ? durationMs - BOMB_TIMER_MS
        : Math.round(durationMs - this.between(10_000, 38_000))
      : undefined;

    const loserDeaths = bombRound ? 1 + Math.floor(this.random() * 4) : TEAM_SIZE;
    const winnerDeaths = Math.floor(this.random() * this.random() * 4);
    const victims: PlayingSide[] = [
      ...Array<PlayingSide>(loserDeaths).fill(loser),
      ...Array<PlayingSide>(winnerDeaths).fill(winner),
    ];
    for (let i = victims.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [victims[i], victims[j]] = [victims[j]!, victims[i]!];
    }
    if (!bombRound) {
      // An elimination ends on the loser side's last death.
      const lastLoser = victims.lastIndexOf(loser);
      [victims[lastLoser], victims[victims.length - 1]] = [victims[victims.length - 1]!, victims[lastLoser]!];
    }
    // Kills spread over the round, one duel at a time, with at least 1.6 s between them.
    const firstKill = 12_000;
    const lastKill = bombRound ? durationMs - 2_000 : durationMs;
    const segment = (lastKill - firstKill) / victims.length;
    const kills = victims.map((side, index) => ({
      victimSide: side,
      at:
        !bombRound && index === victims.length - 1
          ? durationMs
          : Math.round(firstKill + segment * index + this.random() * (segment - 1_600)),
    }));
    return { winner, reason, durationMs, plantAt, site: this.pick(BOMB_SITES), kills };
  }

  /** Plays the live part of the round at 8 Hz: movement, footsteps, duels, utility, the bomb. */
  private playLive(freezeEnd: number, roundEnd: number, plan: RoundPlan): void {
    const pending: PendingAction[] = [];
    let bombDecided = false;
    const schedule: Schedule = (at, run) => {
      let index = pending.length;
      while (index > 0 && pending[index - 1]!.at > at) index--;
      pending.splice(index, 0, { at, run });
    };
    for (const kill of plan.kills) {
      schedule(freezeEnd + kill.at - DUEL_MS, () =>
        this.duel(kill.victimSide, freezeEnd + kill.at, schedule),
      );
    }
    for (const player of this.players) {
      for (const grenade of player.grenades) {
        const throwAt = freezeEnd + Math.round(this.between(3_000, plan.durationMs - 4_000));
        schedule(throwAt, () => this.throwGrenade(player, grenade, throwAt, roundEnd, schedule));
      }
    }
    const sprays = 6 + Math.floor(this.random() * 8);
    for (let spray = 0; spray < sprays; spray++) {
      const at = freezeEnd + Math.round(this.between(5_000, plan.durationMs - 1_000));
      schedule(at, () => this.spray(at, schedule));
    }
    if (plan.plantAt !== undefined) {
      const plantTs = freezeEnd + plan.plantAt;
      schedule(plantTs, () => {
        const planter = this.pick(this.alive('T'));
        this.emit({ type: 'bomb_planted', ts: plantTs, steamId: planter.steamId, site: plan.site });
      });
      schedule(roundEnd, () => {
        bombDecided = true;
        if (plan.reason === 'bomb_defused') {
          const defuser = this.pick(this.alive('CT'));
          this.emit({ type: 'bomb_defused', ts: roundEnd, steamId: defuser.steamId, site: plan.site });
        } else {
          this.emit({ type: 'bomb_exploded', ts: roundEnd, site: plan.site });
        }
      });
    }

    // The round is over on the bomb's outcome or the losing side's last death; whatever was
    // still to come (a grenade mid-air, the rest of a spray) is dropped.
    const loser: PlayingSide = plan.winner === 'CT' ? 'T' : 'CT';
    const decided = () => bombDecided || (plan.plantAt === undefined && this.alive(loser).length === 0);
    const runDue = (until: number) => {
      while (pending.length > 0 && pending[0]!.at <= until && !decided()) pending.shift()!.run();
    };
    for (let at = freezeEnd + POSITION_INTERVAL_MS; at < roundEnd; at += POSITION_INTERVAL_MS) {
      runDue(at);
      this.tickPositions(at);
    }
    runDue(roundEnd);
  }

  /** After the round is won and before it officially ends, survivors still move. */
  private playPostRound(roundEnd: number, officialEnd: number): void {
    for (let at = roundEnd + POSITION_INTERVAL_MS; at < officialEnd; at += POSITION_INTERVAL_MS) {
      this.tickPositions(at);
    }
  }

  private alive(side: PlayingSide): Player[] {
    return this.players.filter((player) => player.alive && this.sideOf(player.team, this.round) === side);
  }

  /** The weapon in hand: the primary, else the side's default pistol. */
  private weaponOf(player: Player): string {
    return player.primary ?? (this.sideOf(player.team, this.round) === 'T' ? 'glock' : 'usp_silencer');
  }

  /** Moves everyone one 8 Hz step, emits some footsteps, then everyone's position. */
  private tickPositions(at: number): void {
    for (const player of this.players) {
      if (!player.alive) continue;
      const dx = player.target[0] - player.pos[0];
      const dy = player.target[1] - player.pos[1];
      const distance = Math.hypot(dx, dy);
      if (distance < 40) {
        const hotspot = this.pick(HOTSPOTS);
        player.target = [
          round2(hotspot[0] + this.between(-300, 300)),
          round2(hotspot[1] + this.between(-300, 300)),
          hotspot[2],
        ];
        player.speed = this.random() < 0.3 ? 0 : this.between(130, 250);
        continue;
      }
      const step = Math.min(distance, (player.speed * POSITION_INTERVAL_MS) / 1000);
      if (step === 0) {
        if (this.random() < 0.05) player.speed = this.between(130, 250);
        continue;
      }
      player.pos = [
        round2(player.pos[0] + (dx / distance) * step),
        round2(player.pos[1] + (dy / distance) * step),
        round2(player.pos[2] + (player.target[2] - player.pos[2]) * 0.05),
      ];
      player.yaw = round1((Math.atan2(dy, dx) * 180) / Math.PI);
      // Walking (shift) is silent; running makes an audible footstep about once a second.
      if (player.speed > 160 && this.random() < 0.15) {
        this.emit({ type: 'player_footstep', ts: at, steamId: player.steamId, pos: [...player.pos] });
      }
    }
    this.emit({
      type: 'positions',
      ts: at,
      players: this.players.map((player) => ({
        steamId: player.steamId,
        pos: [...player.pos],
        yaw: player.yaw,
        health: player.health,
        armor: player.armor,
        alive: player.alive,
        weapon: this.weaponOf(player),
      })),
    });
  }

  /** A few shots that hit nobody: pre-fires, wallbangs, spam through smoke. */
  private spray(at: number, schedule: Schedule): void {
    const shooters = this.players.filter((player) => player.alive);
    if (shooters.length === 0) return;
    const shooter = this.pick(shooters);
    const weapon = this.weaponOf(shooter);
    const shots = 2 + Math.floor(this.random() * 5);
    for (let shot = 0; shot < shots; shot++) {
      const shotAt = at + shot * WEAPONS[weapon]!.intervalMs;
      schedule(shotAt, () => {
        if (shooter.alive) {
          this.emit({
            type: 'weapon_fire',
            ts: shotAt,
            steamId: shooter.steamId,
            weapon,
            pos: [...shooter.pos],
          });
        }
      });
    }
  }

  /**
   * One duel that ends in a kill at `killAt`: the killer's shots, each hit lowering the
   * victim's health to 0, sometimes a teammate's earlier hit (an assist) and return fire.
   */
  private duel(victimSide: PlayingSide, killAt: number, schedule: Schedule): void {
    const victims = this.alive(victimSide);
    const attackers = this.alive(victimSide === 'CT' ? 'T' : 'CT');
    if (victims.length === 0 || attackers.length === 0) return;
    const victim = this.pick(victims);
    const attacker = this.pick(attackers);
    const duelStart = killAt - DUEL_MS;
    victim.engagedUntil = killAt;
    attacker.engagedUntil = killAt;
    const weapon = this.weaponOf(attacker);
    const spec = WEAPONS[weapon]!;

    let health = victim.health;
    let armor = victim.armor;
    let assister: Player | undefined;
    const helpers = attackers.filter((player) => player !== attacker);
    if (helpers.length > 0 && health > 60 && this.random() < 0.25) {
      const helper = this.pick(helpers);
      const helperWeapon = this.weaponOf(helper);
      const damage = Math.min(health - 1, Math.round(this.between(25, 55)));
      const hitAt = duelStart + 100;
      const healthAfter = health - damage;
      const armorAfter = Math.max(0, armor - Math.round(damage / 4));
      schedule(hitAt - 60, () =>
        this.emit({
          type: 'weapon_fire',
          ts: hitAt - 60,
          steamId: helper.steamId,
          weapon: helperWeapon,
          pos: [...helper.pos],
        }),
      );
      schedule(hitAt, () =>
        this.hurt(
          victim,
          helper,
          helperWeapon,
          hitAt,
          damage,
          armor - armorAfter,
          healthAfter,
          armorAfter,
          this.pick(HITGROUPS),
        ),
      );
      health = healthAfter;
      armor = armorAfter;
      if (damage > 40) assister = helper;
    }

    // The killer's hits, lethal last; one shot in three misses.
    const hits: { damage: number; hitgroup: string }[] = [];
    let remaining = health;
    while (remaining > 0) {
      const headshot = this.random() < (hits.length === 0 ? 0.25 : 0.35);
      const damage = Math.round((headshot ? spec.head : spec.body) * this.between(0.9, 1.1));
      hits.push({ damage, hitgroup: headshot ? 'head' : this.pick(HITGROUPS) });
      remaining -= damage;
    }
    const shots: { hit?: { damage: number; hitgroup: string } }[] = [];
    for (const hit of hits) {
      while (this.random() < 0.33) shots.push({});
      shots.push({ hit });
    }
    const interval = Math.min(spec.intervalMs, Math.floor(1_000 / shots.length));
    shots.forEach((shot, index) => {
      const at = killAt - (shots.length - 1 - index) * interval;
      schedule(at, () =>
        this.emit({ type: 'weapon_fire', ts: at, steamId: attacker.steamId, weapon, pos: [...attacker.pos] }),
      );
      if (!shot.hit) return;
      const { damage, hitgroup } = shot.hit;
      const healthAfter = Math.max(0, health - damage);
      const armorAfter =
        hitgroup === 'head' && armor > 0 ? armor : Math.max(0, armor - Math.round(damage / 4));
      const dmgArmor = armor - armorAfter;
      health = healthAfter;
      armor = armorAfter;
      schedule(at, () =>
        this.hurt(victim, attacker, weapon, at, damage, dmgArmor, healthAfter, armorAfter, hitgroup),
      );
      if (healthAfter === 0) {
        schedule(at, () => this.kill(victim, attacker, assister, weapon, hitgroup === 'head', at));
      }
    });

    // Return fire: the victim shoots back and may land one non-lethal hit.
    const victimWeapon = this.weaponOf(victim);
    const returnShots = Math.floor(this.random() * 4);
    for (let shot = 0; shot < returnShots; shot++) {
      const at = duelStart + 300 + shot * WEAPONS[victimWeapon]!.intervalMs;
      if (at >= killAt) break;
      schedule(at, () =>
        this.emit({
          type: 'weapon_fire',
          ts: at,
          steamId: victim.steamId,
          weapon: victimWeapon,
          pos: [...victim.pos],
        }),
      );
      if (shot === 0 && this.random() < 0.4) {
        schedule(at, () => {
          const damage = Math.min(
            attacker.health - 1,
            Math.round(WEAPONS[victimWeapon]!.body * this.between(0.9, 1.1)),
          );
          if (damage <= 0) return;
          const armorAfter = Math.max(0, attacker.armor - Math.round(damage / 4));
          this.hurt(
            attacker,
            victim,
            victimWeapon,
            at,
            damage,
            attacker.armor - armorAfter,
            attacker.health - damage,
            armorAfter,
            this.pick(HITGROUPS),
          );
        });
      }
    }
  }

  private hurt(
    victim: Player,
    attacker: Player,
    weapon: string,
    at: number,
    dmgHealth: number,
    dmgArmor: number,
    health: number,
    armor: number,
    hitgroup: string,
  ): void {
    if (!victim.alive || !attacker.alive) return;
    victim.health = health;
    victim.armor = armor;
    const event: EventOf<'player_hurt'> = {
      type: 'player_hurt',
      ts: at,
      attacker: attacker.steamId,
      victim: victim.steamId,
      weapon,
      dmgHealth,
      dmgArmor,
      health,
      armor,
      hitgroup,
      attackerPos: [...attacker.pos],
      victimPos: [...victim.pos],
    };
    this.emit(event);
  }

  private kill(
    victim: Player,
    attacker: Player,
    assister: Player | undefined,
    weapon: string,
    headshot: boolean,
    at: number,
  ): void {
    if (!victim.alive || !attacker.alive) return;
    victim.alive = false;
    victim.health = 0;
    attacker.money = Math.min(MAX_MONEY, attacker.money + WEAPONS[weapon]!.killReward);
    const event: EventOf<'player_death'> = {
      type: 'player_death',
      ts: at,
      attacker: attacker.steamId,
      victim: victim.steamId,
      weapon,
      headshot,
      penetrated: 0,
      noscope: false,
      thrusmoke: false,
      attackerBlind: false,
      assistedFlash: false,
      attackerPos: [...attacker.pos],
      victimPos: [...victim.pos],
    };
    if (assister) event.assister = assister.steamId;
    this.emit(event);
  }

  /** A grenade thrown by a living player; flashes blind, HE grenades chip (never kill). */
  private throwGrenade(
    thrower: Player,
    grenade: string,
    at: number,
    roundEnd: number,
    schedule: Schedule,
  ): void {
    if (!thrower.alive || thrower.engagedUntil > at) return;
    thrower.grenades = thrower.grenades.filter((held) => held !== grenade);
    const landing: Vec3 = [
      round2(thrower.pos[0] + this.between(-600, 600)),
      round2(thrower.pos[1] + this.between(-600, 600)),
      thrower.pos[2],
    ];
    this.emit({ type: 'grenade_thrown', ts: at, steamId: thrower.steamId, grenade, pos: [...thrower.pos] });
    const detonateAt = at + (grenade === 'molotov' || grenade === 'incgrenade' ? 2_000 : 1_600);
    if (detonateAt > roundEnd) return;
    schedule(detonateAt, () => {
      this.emit({
        type: 'grenade_detonate',
        ts: detonateAt,
        steamId: thrower.steamId,
        grenade,
        pos: landing,
      });
      const enemySide = this.sideOf(thrower.team, this.round) === 'CT' ? 'T' : 'CT';
      const exposed = this.alive(enemySide).filter((enemy) => enemy.engagedUntil < detonateAt);
      if (exposed.length === 0 || !thrower.alive) return;
      if (grenade === 'flashbang') {
        const blinded = this.pick(exposed);
        this.emit({
          type: 'player_blind',
          ts: detonateAt,
          attacker: thrower.steamId,
          victim: blinded.steamId,
          duration: round2(this.between(0.4, 3.5)),
        });
      } else if (grenade === 'hegrenade' && this.random() < 0.6) {
        const victim = this.pick(exposed);
        const damage = Math.min(victim.health - 1, Math.round(this.between(8, 45)));
        if (damage <= 0) return;
        const armorAfter = Math.max(0, victim.armor - Math.round(damage / 3));
        this.hurt(
          victim,
          thrower,
          'hegrenade',
          detonateAt,
          damage,
          victim.armor - armorAfter,
          victim.health - damage,
          armorAfter,
          'generic',
        );
      }
    });
  }
}

interface RoundPlan {
  winner: PlayingSide;
  reason: RoundEndReason;
  /** From freeze end to the round's end. */
  durationMs: number;
  /** From freeze end, in bomb rounds. */
  plantAt: number | undefined;
  site: (typeof BOMB_SITES)[number];
  /** Deaths, in time order, `at` from freeze end. */
  kills: { victimSide: PlayingSide; at: number }[];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
