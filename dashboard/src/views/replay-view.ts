/**
 * The 2D replay of a match, round by round: a round picker, a time scrubber with play/pause and
 * speeds (keyboard: space, ←/→ five seconds, [ and ] the round before and after), and the radar
 * at that moment — players between their samples, the dead where they fell, each kill's line
 * from killer to victim, smokes, fires, flashes and HE grenades while they last, the bomb. Beside
 * it, the round's kill feed and the scoreboard as they stood at that moment.
 *
 * A round's events are fetched when it is first opened (positions included), so a long match
 * opens as fast as a short one. On the competitive maps the radar is calibrated
 * (`map-overviews.ts`): a frame of the map's square, and the operator's radar image under it
 * when one is served at `/radar/<map>.png` (`<map>_lower.png` for a lower level).
 */
import type { ApiClient } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { EventTally } from '../model/event-tally.ts';
import { fromStoredEvent, type LiveEvent } from '../model/live-event.ts';
import {
  levelOf,
  type MapOverview,
  mapOverview,
  RADAR_PIXELS,
  toRadarPixels,
} from '../model/map-overviews.ts';
import type { Side } from '../model/match-card.ts';
import type { MatchLiveState } from '../model/match-state.ts';
import { Bounds, fitProjection } from '../model/radar-projection.ts';
import { type RoundDetail, roundDetail } from '../model/round-detail.ts';
import {
  type HeatPoint,
  killHeat,
  type ReplayKill,
  type ReplayMoment,
  type ReplayUtility,
  RoundReplay,
  sidesBefore,
  type Vec3,
} from '../model/round-replay.ts';
import { compactTable } from './compact-table.ts';
import { weaponLabel } from './labels.ts';
import { drawPlayerMarker, SIDE_COLORS } from './player-marker.ts';

const COLORS = SIDE_COLORS;
const UTILITY_COLORS: Readonly<Record<ReplayUtility['kind'], string>> = {
  smoke: 'rgba(205, 210, 218, 0.55)',
  fire: 'rgba(240, 110, 40, 0.55)',
  flash: 'rgba(255, 255, 255, 0.9)',
  he: 'rgba(240, 70, 60, 0.8)',
  decoy: 'rgba(160, 168, 180, 0.4)',
};
/** World radius drawn for each kind (a smoke is about 144 units across its middle). */
const UTILITY_RADIUS: Readonly<Record<ReplayUtility['kind'], number>> = {
  smoke: 144,
  fire: 120,
  flash: 60,
  he: 90,
  decoy: 30,
};
const SPEEDS = [1, 2, 4, 8] as const;
const STEP_MS = 5_000;

function colorOf(side: Side | null | undefined): string {
  return side ? COLORS[side] : COLORS.unknown;
}

function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

interface Projector {
  toCanvas(x: number, y: number): [number, number];
  /** Canvas pixels per world unit. */
  scale: number;
}

export class ReplayView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly picker: HTMLElement;
  private readonly scrubber: HTMLInputElement;
  private readonly timeLabel: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly speedSelect: HTMLSelectElement;
  private readonly levelButton: HTMLButtonElement;
  private readonly heatSelect: HTMLSelectElement;
  private heat: HeatPoint[] | null = null;
  private readonly feed: HTMLElement;
  private readonly board: HTMLElement;
  private readonly note: HTMLElement;
  private readonly cache = new Map<number, Promise<{ replay: RoundReplay; events: LiveEvent[] }>>();
  private readonly detail: HTMLElement;
  private readonly overview: MapOverview | null;
  private readonly images = new Map<string, HTMLImageElement | null>();
  /** The radar images the platform serves (`/radar/index.json`), asked once. */
  private available: Promise<Set<string> | 'unlisted'> | null = null;
  private availableNow: Set<string> | 'unlisted' | null = null;
  private replay: RoundReplay | null = null;
  private round = 0;
  private offset = 0;
  private playing = false;
  private speed: number = SPEEDS[1];
  private level: 'upper' | 'lower' = 'upper';
  private lastFrameAt = 0;
  private frame = 0;
  private matchEvents: Promise<LiveEvent[]> | null = null;
  private tallyFor: { round: number; offset: number } | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly onKey = (event: KeyboardEvent) => this.key(event);

  constructor(
    private readonly state: MatchLiveState,
    private readonly api: ApiClient,
    private readonly signal: AbortSignal,
  ) {
    this.overview = mapOverview(state.match.map);
    this.canvas = h('canvas', { class: 'radar-canvas', 'data-testid': 'replay-canvas' });
    this.picker = h('div', { class: 'round-picker', role: 'group', 'aria-label': 'Round' });
    this.scrubber = h('input', {
      type: 'range',
      min: 0,
      max: 0,
      step: 1,
      value: 0,
      class: 'scrubber',
      'aria-label': 'Time in the round',
      'data-testid': 'replay-scrubber',
    });
    this.timeLabel = h('span', { class: 'replay-time', 'data-testid': 'replay-time' }, '0:00');
    this.playButton = h('button', { type: 'button', class: 'play', 'aria-label': 'Play' }, '▶');
    this.speedSelect = h(
      'select',
      { class: 'speed', 'aria-label': 'Speed' },
      SPEEDS.map((speed) => h('option', { value: speed, selected: speed === this.speed }, `${speed}×`)),
    );
    this.levelButton = h('button', { type: 'button', class: 'level', hidden: true }, 'Lower level');
    this.heatSelect = h(
      'select',
      { class: 'heat', 'aria-label': 'Kill heatmap', 'data-testid': 'replay-heat' },
      h('option', { value: '' }, 'No heatmap'),
      h('option', { value: 'T' }, 'Heatmap: T kills'),
      h('option', { value: 'CT' }, 'Heatmap: CT kills'),
    );
    this.feed = h('ol', { class: 'kill-feed-list replay-feed', 'data-testid': 'replay-feed' });
    this.board = h('div', { class: 'replay-board', 'data-testid': 'replay-scoreboard' });
    this.note = h('p', { class: 'replay-note', 'data-testid': 'replay-note' });
    this.detail = h('div', { class: 'round-detail', 'data-testid': 'round-detail' });
    if (this.overview?.lowerBelowZ !== null && this.overview) this.levelButton.hidden = false;
    this.element = h(
      'div',
      { class: 'replay', tabindex: 0, 'data-testid': 'replay' },
      this.picker,
      h('div', { class: 'radar-frame' }, this.canvas),
      h(
        'div',
        { class: 'replay-controls' },
        this.playButton,
        this.scrubber,
        this.timeLabel,
        this.speedSelect,
        this.heatSelect,
        this.levelButton,
      ),
      this.note,
      h(
        'div',
        { class: 'replay-side' },
        h('div', { class: 'replay-feed-box' }, h('h4', {}, 'Kills this round'), this.feed),
        h('div', { class: 'replay-board-box' }, h('h4', {}, 'Scoreboard at this moment'), this.board),
      ),
      this.detail,
    );
    this.playButton.addEventListener('click', () => this.setPlaying(!this.playing));
    this.scrubber.addEventListener('input', () => this.seek(Number(this.scrubber.value)));
    this.speedSelect.addEventListener('change', () => {
      this.speed = Number(this.speedSelect.value) || 1;
    });
    this.heatSelect.addEventListener('change', () => {
      if (this.heatSelect.value && this.heat === null) {
        void this.allTeamEvents().then((events) => {
          this.heat = killHeat(events);
          this.schedule();
        });
      }
      this.schedule();
    });
    this.levelButton.addEventListener('click', () => {
      this.level = this.level === 'upper' ? 'lower' : 'upper';
      this.levelButton.textContent = this.level === 'upper' ? 'Lower level' : 'Upper level';
      this.schedule();
    });
    this.element.addEventListener('keydown', this.onKey);
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.canvas);
  }

  dispose(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
  }

  /** The round buttons: one per played round (called again as rounds end). */
  renderPicker(): void {
    const numbers = [...this.state.rounds.values()]
      .filter((round) => round.winnerSide !== null)
      .map((round) => round.number)
      .sort((a, b) => a - b);
    const buttons = numbers.map((number) =>
      h(
        'button',
        {
          type: 'button',
          class: `round-button${number === this.round ? ' selected' : ''}`,
          'data-round': number,
          'aria-pressed': number === this.round ? 'true' : 'false',
          title: `Round ${number}`,
        },
        number,
      ),
    );
    for (const button of buttons)
      button.addEventListener('click', () => void this.open(Number(button.dataset.round)));
    replaceChildren(
      this.picker,
      buttons.length > 0 ? buttons : h('span', { class: 'empty' }, 'No round played yet.'),
    );
  }

  /** Opens a round at its start (fetching its events the first time). */
  async open(round: number, at = 0): Promise<void> {
    this.round = round;
    this.renderPicker();
    this.note.textContent = `Loading round ${round}…`;
    let replay: RoundReplay;
    let events: LiveEvent[];
    try {
      ({ replay, events } = await this.load(round));
    } catch (error) {
      if (this.signal.aborted) return;
      this.note.textContent = `Could not load round ${round}: ${String(error)}`;
      return;
    }
    if (this.round !== round || this.signal.aborted) return;
    this.replay = replay;
    const duration = Math.max(0, replay.endTs - replay.startTs);
    this.scrubber.max = String(duration);
    this.element.dataset.round = String(round);
    this.note.textContent = replay.hasPositions
      ? ''
      : 'No player positions were sent for this round: kills are drawn where they happened, with a line from killer to victim.';
    this.renderDetail(
      roundDetail(
        round,
        events,
        (steamId) => replay.sideOf(steamId),
        (side) => this.lost(round - 1, side),
      ),
    );
    this.seek(Math.min(at, duration));
  }

  /** Whether the team on `side` in the round after `round` lost `round` (sides swap at halftime). */
  private lost(round: number, side: Side): boolean {
    const previous = this.state.rounds.get(round);
    if (!previous?.winnerSide) return false;
    const swapped = round === 12 || (round > 24 && (round - 24) % 3 === 0);
    const sideThen = swapped ? (side === 'CT' ? 'T' : 'CT') : side;
    return previous.winnerSide !== sideThen;
  }

  private renderDetail(detail: RoundDetail): void {
    const cell = this.state.rounds.get(detail.number);
    const buys = new Map(detail.economy.map((economy) => [economy.side, economy]));
    const sideBlock = (side: Side) => {
      const players = detail.players.filter((player) => player.side === side);
      const buy = buys.get(side);
      const team = this.state.teamOnSideInRound(side, detail.number)?.name ?? side;
      return h(
        'div',
        { class: `round-side side-${side.toLowerCase()}`, 'data-side': side },
        h(
          'h4',
          {},
          `${team} (${side})`,
          buy
            ? h(
                'span',
                { class: 'buy', 'data-testid': `buy-${side.toLowerCase()}` },
                ` · ${buy.buy} buy, $${buy.equipValue.toLocaleString('en-US')} a player`,
              )
            : null,
        ),
        compactTable(
          [
            { label: 'K', title: 'Kills' },
            { label: 'D', title: 'Deaths' },
            { label: 'A', title: 'Assists' },
            { label: 'DMG', title: 'Damage to enemies' },
            { label: 'Util', title: 'Grenades thrown' },
            { label: 'Survived', title: 'Alive at the end of the round' },
          ],
          players.map((player) => ({
            steamId: player.steamId,
            name: this.state.nameOf(player.steamId),
            cells: [
              player.kills,
              player.deaths,
              player.assists,
              player.damage,
              player.utilityThrown,
              player.survived ? 'yes' : '–',
            ],
          })),
        ),
      );
    };
    replaceChildren(
      this.detail,
      h(
        'h4',
        { class: 'round-detail-title' },
        `Round ${detail.number}`,
        cell?.winnerSide ? ` · won by ${cell.winnerTeam ?? cell.winnerSide} (${cell.winnerSide})` : '',
      ),
      h('div', { class: 'round-sides' }, sideBlock('CT'), sideBlock('T')),
    );
  }

  private load(round: number): Promise<{ replay: RoundReplay; events: LiveEvent[] }> {
    let loading = this.cache.get(round);
    if (!loading) {
      loading = Promise.all([
        this.api.roundEvents(this.state.match.id, round, this.signal),
        this.allTeamEvents(),
      ]).then(([stored, history]) => {
        const events = stored.map(fromStoredEvent);
        const start = events[0]?.ts ?? 0;
        return { replay: new RoundReplay(round, events, sidesBefore(history, start)), events };
      });
      loading.catch(() => this.cache.delete(round));
      this.cache.set(round, loading);
    }
    return loading;
  }

  /** Sides over the match and the kills and hits the moment's scoreboard counts, fetched once. */
  private allTeamEvents(): Promise<LiveEvent[]> {
    this.matchEvents ??= Promise.all(
      ['player_team', 'player_death', 'player_hurt'].map((type) =>
        this.api.events(this.state.match.id, type, this.signal),
      ),
    ).then((pages) =>
      pages
        .flat()
        .map(fromStoredEvent)
        .sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id)),
    );
    return this.matchEvents;
  }

  private seek(offset: number): void {
    const replay = this.replay;
    if (!replay) return;
    this.offset = Math.max(0, Math.min(offset, replay.endTs - replay.startTs));
    this.scrubber.value = String(Math.round(this.offset));
    this.timeLabel.textContent = `${clock(this.offset)} / ${clock(replay.endTs - replay.startTs)}`;
    this.element.dataset.offset = String(Math.round(this.offset));
    this.schedule();
  }

  private setPlaying(playing: boolean): void {
    this.playing = playing && this.replay !== null;
    this.playButton.textContent = this.playing ? '❚❚' : '▶';
    this.playButton.setAttribute('aria-label', this.playing ? 'Pause' : 'Play');
    this.lastFrameAt = performance.now();
    this.schedule();
  }

  private key(event: KeyboardEvent): void {
    if (event.target instanceof HTMLSelectElement) return;
    const played = [...this.state.rounds.keys()].sort((a, b) => a - b);
    switch (event.key) {
      case ' ':
        this.setPlaying(!this.playing);
        break;
      case 'ArrowLeft':
        this.seek(this.offset - STEP_MS);
        break;
      case 'ArrowRight':
        this.seek(this.offset + STEP_MS);
        break;
      case '[': {
        const before = played.filter((number) => number < this.round).at(-1);
        if (before !== undefined) void this.open(before);
        break;
      }
      case ']': {
        const after = played.find((number) => number > this.round);
        if (after !== undefined) void this.open(after);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  private tick(now: number): void {
    this.frame = 0;
    const replay = this.replay;
    if (this.playing && replay) {
      const elapsed = (now - this.lastFrameAt) * this.speed;
      this.lastFrameAt = now;
      const end = replay.endTs - replay.startTs;
      this.seek(this.offset + elapsed);
      if (this.offset >= end) this.setPlaying(false);
    }
    this.draw();
    if (this.playing) this.schedule();
  }

  private draw(): void {
    const replay = this.replay;
    if (!replay) return;
    const moment = replay.at(replay.startTs + this.offset);
    this.drawRadar(replay, moment);
    this.renderFeed(moment.kills);
    if (this.tallyFor?.round !== this.round || Math.abs((this.tallyFor?.offset ?? 0) - this.offset) >= 500) {
      this.tallyFor = { round: this.round, offset: this.offset };
      void this.renderBoard(moment.ts);
    }
  }

  private projector(replay: RoundReplay, moment: ReplayMoment, width: number, height: number): Projector {
    const side = Math.min(width, height);
    const overview = this.overview;
    if (overview) {
      const scale = side / RADAR_PIXELS;
      const left = (width - side) / 2;
      const top = (height - side) / 2;
      return {
        scale: scale / overview.scale,
        toCanvas: (x, y) => {
          const [px, py] = toRadarPixels(overview, x, y);
          return [left + px * scale, top + py * scale];
        },
      };
    }
    const bounds = new Bounds();
    for (const player of moment.players) bounds.include(player.x, player.y);
    for (const kill of replay.kills) {
      for (const pos of [kill.attackerPos, kill.victimPos]) if (pos) bounds.include(pos[0], pos[1]);
    }
    for (const item of replay.utility) bounds.include(item.pos[0], item.pos[1]);
    return fitProjection(bounds, width, height, 24);
  }

  private radarImage(): HTMLImageElement | null {
    const map = this.overview?.map;
    if (!map) return null;
    const name = this.level === 'lower' ? `${map}_lower` : map;
    if (this.available === null) {
      this.available = this.api
        .radarImages(this.signal)
        .catch(() => [])
        .then((names) => {
          this.schedule();
          return names === null ? 'unlisted' : new Set(names);
        });
    }
    const listed = this.availableNow === 'unlisted' || this.availableNow?.has(`${name}.png`) === true;
    if (!listed) {
      void this.available.then((names) => {
        if (this.availableNow === null) {
          this.availableNow = names;
          this.schedule();
        }
      });
      return null;
    }
    if (!this.images.has(name)) {
      this.images.set(name, null);
      const image = new Image();
      image.onload = () => {
        this.images.set(name, image);
        this.schedule();
      };
      image.src = `/radar/${encodeURIComponent(name)}.png`;
    }
    return this.images.get(name) ?? null;
  }

  private onLevel(z: number | null): boolean {
    return levelOf(this.overview, z) === this.level;
  }

  private drawRadar(replay: RoundReplay, moment: ReplayMoment): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(this.canvas.clientWidth * ratio);
    const height = Math.round(this.canvas.clientHeight * ratio);
    if (width === 0 || height === 0) return;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, width, height);
    const projector = this.projector(replay, moment, width, height);

    if (this.overview) {
      const side = Math.min(width, height);
      const [left, top] = [(width - side) / 2, (height - side) / 2];
      const image = this.radarImage();
      if (image) context.drawImage(image, left, top, side, side);
      // The calibrated square, with a faint grid every eighth of it.
      context.strokeStyle = 'rgba(200, 214, 235, 0.35)';
      context.lineWidth = ratio;
      context.strokeRect(left + 0.5, top + 0.5, side - 1, side - 1);
      context.strokeStyle = 'rgba(200, 214, 235, 0.07)';
      for (let i = 1; i < 8; i += 1) {
        context.beginPath();
        context.moveTo(left + (side * i) / 8, top);
        context.lineTo(left + (side * i) / 8, top + side);
        context.moveTo(left, top + (side * i) / 8);
        context.lineTo(left + side, top + (side * i) / 8);
        context.stroke();
      }
    }

    // Where players walked this round, faintly: the map's outline where no image is placed.
    context.fillStyle = 'rgba(200, 214, 235, 0.10)';
    const dot = Math.max(2, 2.5 * ratio);
    for (const [x, y, z] of replay.trail()) {
      if (!this.onLevel(z)) continue;
      const [cx, cy] = projector.toCanvas(x, y);
      context.fillRect(cx - dot / 2, cy - dot / 2, dot, dot);
    }
    this.drawHeat(context, projector, ratio);

    for (const item of moment.utility) this.drawUtility(context, projector, item, moment.ts, ratio);
    for (const kill of moment.kills)
      this.drawKill(context, projector, kill, moment.ts, ratio, replay.hasPositions);
    const players = moment.players.filter((player) => this.onLevel(player.z));
    players.sort((a, b) => Number(a.alive) - Number(b.alive));
    for (const player of players) {
      const [x, y] = projector.toCanvas(player.x, player.y);
      this.drawPlayer(context, x, y, player.side, player.alive, player.yaw, player.health, ratio);
      if (player.alive) {
        context.font = `${11 * ratio}px system-ui, sans-serif`;
        context.fillStyle = '#e8edf3';
        context.textBaseline = 'middle';
        context.fillText(this.state.nameOf(player.steamId), x + 10 * ratio, y);
      }
    }
    this.drawBomb(context, projector, moment, ratio);

    const alive = { CT: 0, T: 0 };
    for (const player of moment.players) if (player.alive && player.side) alive[player.side] += 1;
    Object.assign(this.canvas.dataset, {
      players: String(moment.players.length),
      aliveCt: String(alive.CT),
      aliveT: String(alive.T),
      kills: String(moment.kills.length),
      utility: moment.utility.map((item) => item.kind).join(' '),
      bomb: moment.bomb.state,
      // The moment this drawing shows (the scrubber moves first; the canvas follows a frame later).
      offset: String(Math.round(moment.ts - replay.startTs)),
    });
  }

  /** Every kill of the match by the chosen side, as soft blobs that add up where kills cluster. */
  private drawHeat(context: CanvasRenderingContext2D, projector: Projector, ratio: number): void {
    const side = this.heatSelect.value;
    if (!side || !this.heat) {
      this.canvas.dataset.heat = '0';
      return;
    }
    const points = this.heat.filter((point) => point.side === side && this.onLevel(point.z));
    const radius = 18 * ratio;
    const colour = side === 'CT' ? '95, 168, 240' : '240, 179, 65';
    for (const point of points) {
      const [x, y] = projector.toCanvas(point.x, point.y);
      const gradient = context.createRadialGradient(x, y, 0, x, y, radius);
      gradient.addColorStop(0, `rgba(${colour}, 0.35)`);
      gradient.addColorStop(1, `rgba(${colour}, 0)`);
      context.fillStyle = gradient;
      context.fillRect(x - radius, y - radius, radius * 2, radius * 2);
    }
    this.canvas.dataset.heat = String(points.length);
  }

  private drawUtility(
    context: CanvasRenderingContext2D,
    projector: Projector,
    item: ReplayUtility,
    ts: number,
    ratio: number,
  ): void {
    if (!this.onLevel(item.pos[2])) return;
    const [x, y] = projector.toCanvas(item.pos[0], item.pos[1]);
    const radius = Math.max(4 * ratio, UTILITY_RADIUS[item.kind] * projector.scale);
    const left = Math.max(0, item.endTs - ts);
    context.globalAlpha = item.kind === 'smoke' || item.kind === 'fire' ? Math.min(1, left / 1500 + 0.2) : 1;
    context.fillStyle = UTILITY_COLORS[item.kind];
    context.beginPath();
    context.arc(x, y, radius, 0, Math.PI * 2);
    context.fill();
    context.globalAlpha = 1;
  }

  private drawKill(
    context: CanvasRenderingContext2D,
    projector: Projector,
    kill: ReplayKill,
    ts: number,
    ratio: number,
    hasPositions: boolean,
  ): void {
    const victim = kill.victimPos;
    if (!victim || !this.onLevel(victim[2])) return;
    const [vx, vy] = projector.toCanvas(victim[0], victim[1]);
    // Without positions the kill is the picture: the line from killer to victim stays; with
    // them, it flashes for two seconds.
    const recent = ts - kill.ts < 2_000;
    if (kill.attackerPos && (!hasPositions || recent)) {
      const [ax, ay] = projector.toCanvas(kill.attackerPos[0], kill.attackerPos[1]);
      context.strokeStyle = colorOf(kill.attackerSide);
      context.globalAlpha = recent ? 0.9 : 0.45;
      context.lineWidth = 1.5 * ratio;
      context.beginPath();
      context.moveTo(ax, ay);
      context.lineTo(vx, vy);
      context.stroke();
      context.globalAlpha = 1;
      if (!hasPositions) this.drawPlayer(context, ax, ay, kill.attackerSide, true, null, null, ratio * 0.7);
    }
    if (!hasPositions) this.drawPlayer(context, vx, vy, kill.victimSide, false, null, null, ratio);
  }

  private drawPlayer(
    context: CanvasRenderingContext2D,
    x: number,
    y: number,
    side: Side | null,
    alive: boolean,
    yaw: number | null,
    health: number | null,
    ratio: number,
  ): void {
    drawPlayerMarker(context, { x, y, color: colorOf(side), alive, yaw, health, ratio, radius: 6 });
  }

  private drawBomb(
    context: CanvasRenderingContext2D,
    projector: Projector,
    moment: ReplayMoment,
    ratio: number,
  ): void {
    const { bomb } = moment;
    const pos: Vec3 | null = bomb.pos;
    if (!pos || !this.onLevel(pos[2])) return;
    const [x, y] = projector.toCanvas(pos[0], pos[1]);
    const size = 7 * ratio;
    context.fillStyle =
      bomb.state === 'planted' ? '#f04b3c' : bomb.state === 'defused' ? COLORS.CT : '#f0d040';
    context.fillRect(x - size / 2, y + 6 * ratio, size, size * 0.7);
    if (bomb.state === 'exploded') {
      context.fillStyle = 'rgba(240, 90, 40, 0.35)';
      context.beginPath();
      context.arc(x, y, 500 * projector.scale, 0, Math.PI * 2);
      context.fill();
    }
  }

  private renderFeed(kills: readonly ReplayKill[]): void {
    const key = `${this.round}:${kills.length}`;
    if (this.feed.dataset.key === key) return;
    this.feed.dataset.key = key;
    const start = this.replay?.startTs ?? 0;
    replaceChildren(
      this.feed,
      kills.length === 0
        ? h('li', { class: 'empty' }, 'No kill yet this round.')
        : [...kills]
            .reverse()
            .map((kill) =>
              h(
                'li',
                { class: `kill${kill.postRound ? ' post-round' : ''}` },
                h('span', { class: 'kill-round' }, clock(kill.ts - start)),
                kill.attacker && kill.attacker !== kill.victim
                  ? h(
                      'span',
                      { class: `player side-${(kill.attackerSide ?? 'x').toLowerCase()}` },
                      this.state.nameOf(kill.attacker),
                    )
                  : null,
                h('span', { class: 'weapon' }, weaponLabel(kill.weapon)),
                kill.headshot ? h('span', { class: 'mark hs', title: 'headshot' }, 'HS') : null,
                h(
                  'span',
                  { class: `player side-${(kill.victimSide ?? 'x').toLowerCase()}` },
                  this.state.nameOf(kill.victim),
                ),
              ),
            ),
    );
  }

  /** Kills, deaths, assists and ADR over the match up to `ts`, counted from its events. */
  private async renderBoard(ts: number): Promise<void> {
    const events = await this.allTeamEvents().catch(() => null);
    if (!events || this.signal.aborted) return;
    const sides = new Map<string, Side>();
    const tally = new EventTally((steamId) => sides.get(steamId));
    for (const event of events) {
      if (event.ts > ts) break;
      if (event.type === 'player_team') {
        const side = event.data.side;
        const steamId = event.data.steamId;
        if (typeof steamId === 'string' && (side === 'CT' || side === 'T')) sides.set(steamId, side);
        continue;
      }
      tally.add(event);
    }
    const rounds = Math.max(1, this.round);
    const lines = tally
      .lines()
      .map((line) => ({ ...line, adr: line.damage / rounds }))
      .sort((a, b) => b.kills - a.kills || a.deaths - b.deaths);
    replaceChildren(
      this.board,
      compactTable(
        [
          { label: 'K', title: 'Kills' },
          { label: 'D', title: 'Deaths' },
          { label: 'A', title: 'Assists' },
          { label: 'ADR', title: 'Average damage per round' },
        ],
        lines.map((line) => ({
          steamId: line.steamId,
          name: this.state.nameOf(line.steamId),
          nameClass: `side-${(sides.get(line.steamId) ?? 'x').toLowerCase()}`,
          cells: [line.kills, line.deaths, line.assists, line.adr.toFixed(0)],
        })),
      ),
    );
    this.board.dataset.at = String(Math.round(ts));
  }
}
