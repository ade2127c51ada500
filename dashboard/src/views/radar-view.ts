/**
 * The 2D radar: each player's latest position, facing and side, over a faint trail of where
 * players have been (which draws the map's outline without a map image). The canvas is scaled
 * to the bounding box of every position seen. It redraws only when the state changed, at most
 * once per animation frame.
 */
import { h } from '../dom.ts';
import { isInProgress } from '../model/match-card.ts';
import type { MatchLiveState, PlayerDot } from '../model/match-state.ts';
import { fitProjection } from '../model/radar-projection.ts';
import { drawPlayerMarker, SIDE_COLORS } from './player-marker.ts';

const COLORS = SIDE_COLORS;
/** A player not sampled for this long (ms of game time behind the latest sample) is not drawn. */
const STALE_MS = 5_000;

export class RadarView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly counter: HTMLElement;
  /** What the canvas shows: state version, size and match status; unchanged means no redraw. */
  private drawn = '';
  private frame = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor(private readonly state: MatchLiveState) {
    this.canvas = h('canvas', { class: 'radar-canvas', 'data-testid': 'radar', 'data-players': 0 });
    this.counter = h('span', { class: 'radar-count', 'data-testid': 'radar-count' }, 'No positions yet');
    this.element = h(
      'div',
      { class: 'radar' },
      h('div', { class: 'radar-frame' }, this.canvas),
      h(
        'div',
        { class: 'radar-legend' },
        h('span', { class: 'legend side-ct' }, 'CT'),
        h('span', { class: 'legend side-t' }, 'T'),
        this.counter,
      ),
    );
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.canvas);
  }

  /** Asks for a redraw at the next frame (cheap to call for every message). */
  schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.draw());
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
  }

  private draw(): void {
    this.frame = 0;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(this.canvas.clientWidth * ratio);
    const height = Math.round(this.canvas.clientHeight * ratio);
    if (width === 0 || height === 0) return;
    const drawn = `${this.state.radarVersion}|${width}x${height}|${this.state.match.status}`;
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const context = this.canvas.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, width, height);
    const projection = fitProjection(this.state.bounds, width, height, 28 * ratio);

    // The trail: where players have walked, a faint outline of the map.
    context.fillStyle = 'rgba(200, 214, 235, 0.12)';
    const dotSize = Math.max(2, 3 * ratio);
    const { trail, trailLength } = this.state;
    for (let i = 0; i < trailLength; i += 1) {
      const [x, y] = projection.toCanvas(trail[i * 2]!, trail[i * 2 + 1]!);
      context.fillRect(x - dotSize / 2, y - dotSize / 2, dotSize, dotSize);
    }

    const dots = [...this.state.positions.values()];
    const latest = dots.reduce((max, dot) => Math.max(max, dot.ts), 0);
    const shown = dots.filter((dot) => latest - dot.ts <= STALE_MS);
    // The dead under the living.
    shown.sort((a, b) => Number(a.alive) - Number(b.alive));
    for (const dot of shown) this.drawPlayer(context, dot, projection.toCanvas(dot.x, dot.y), ratio);

    const alive = { CT: 0, T: 0 };
    for (const dot of shown) {
      const side = dot.side ?? this.state.sides.get(dot.steamId);
      if (dot.alive && side) alive[side] += 1;
    }
    if (shown.length === 0) {
      context.font = `${13 * ratio}px system-ui, sans-serif`;
      context.fillStyle = '#8e99a8';
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      const waiting = isInProgress(this.state.match);
      context.fillText(
        waiting ? 'Waiting for player positions…' : 'No player positions were recorded for this match',
        width / 2,
        height / 2,
      );
      context.textAlign = 'start';
    }
    this.canvas.dataset.players = String(shown.length);
    this.canvas.dataset.alive = String(shown.filter((dot) => dot.alive).length);
    this.canvas.dataset.aliveCt = String(alive.CT);
    this.canvas.dataset.aliveT = String(alive.T);
    this.counter.textContent =
      shown.length === 0
        ? 'No positions yet'
        : `${shown.length} players · alive ${alive.CT} CT, ${alive.T} T`;
  }

  private drawPlayer(
    context: CanvasRenderingContext2D,
    dot: PlayerDot,
    [x, y]: [number, number],
    ratio: number,
  ): void {
    const side = dot.side ?? this.state.sides.get(dot.steamId);
    const { yaw, health, alive } = dot;
    drawPlayerMarker(context, {
      x,
      y,
      color: side ? COLORS[side] : COLORS.unknown,
      alive,
      yaw,
      health,
      ratio,
    });
    if (!alive) return;
    context.font = `${11 * ratio}px system-ui, sans-serif`;
    context.fillStyle = '#e8edf3';
    context.textBaseline = 'middle';
    context.fillText(this.state.nameOf(dot.steamId), x + 10.5 * ratio, y);
  }
}
