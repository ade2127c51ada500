/**
 * One open match: loads its snapshot over REST, follows its topic on the socket, and renders the
 * header, round history, radar, kill feed and scoreboard. Live messages that arrive while the
 * snapshot loads are held and applied after it (events seen in both are applied once).
 */
import type { ApiClient } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import type { LiveSocket } from './live-socket.ts';
import { fromDashboardEvent, fromStoredEvent } from './model/live-event.ts';
import { applyMatchPatch, isInProgress, matchCardOf } from './model/match-card.ts';
import { MatchLiveState } from './model/match-state.ts';
import { renderKillFeed } from './views/kill-feed-view.ts';
import { renderMatchHeader } from './views/match-header-view.ts';
import { RadarView } from './views/radar-view.ts';
import { ReplayView } from './views/replay-view.ts';
import { renderRoundStrip } from './views/round-strip-view.ts';
import { renderScoreboard } from './views/scoreboard-view.ts';
import type { ProcessedMessage, StoredEvent } from './wire.ts';

/** Event types the snapshot loads: names, sides, kills (damage too when the page counts stats itself). */
const HISTORY_TYPES = ['player_connect', 'player_team', 'player_death'] as const;
/** Wait after a round ends before asking for the summary again (rounds can end in bursts on a replay). */
const SUMMARY_REFRESH_MS = 1_500;

function storedOrder(a: StoredEvent, b: StoredEvent): number {
  return (
    a.ts - b.ts ||
    a.key.server.localeCompare(b.key.server) ||
    a.key.session.localeCompare(b.key.session) ||
    a.key.seq - b.key.seq ||
    a.key.index - b.key.index
  );
}

export class MatchView {
  private state: MatchLiveState | null = null;
  private radar: RadarView | null = null;
  private replay: ReplayView | null = null;
  private held: ProcessedMessage[] = [];
  private loading: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private summaryOffered = true;
  private summaryTimer: ReturnType<typeof setTimeout> | null = null;
  private renderFrame = 0;
  private readonly sections = {
    header: h('section', { class: 'match-header', 'aria-label': 'Match' }),
    rounds: h('section', { class: 'panel rounds', 'aria-label': 'Rounds' }),
    radar: h('section', { class: 'panel radar-panel', 'aria-label': 'Radar' }),
    replay: h('section', { class: 'panel replay-panel', 'aria-label': 'Replay' }),
    feed: h('ol', { class: 'kill-feed-list', 'data-testid': 'kill-feed' }),
    scoreboard: h('section', { class: 'panel scoreboard', 'aria-label': 'Scoreboard' }),
  };

  constructor(
    private readonly container: HTMLElement,
    readonly matchId: string,
    private readonly socket: LiveSocket,
    private readonly api: ApiClient,
  ) {}

  open(): void {
    replaceChildren(this.container, h('p', { class: 'loading' }, 'Loading match…'));
    this.socket.subscribe({ matchId: this.matchId });
    void this.reload();
  }

  close(): void {
    this.abort.abort();
    this.socket.unsubscribe({ matchId: this.matchId });
    this.radar?.dispose();
    this.replay?.dispose();
    cancelAnimationFrame(this.renderFrame);
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
  }

  /** (Re)loads the snapshot: at open, and after the socket reconnects (messages were missed). */
  reload(): Promise<void> {
    this.loading ??= this.load()
      .catch((error: unknown) => {
        if (this.abort.signal.aborted) return;
        if (!this.state) {
          replaceChildren(
            this.container,
            h('p', { class: 'error' }, `Could not load the match: ${String(error)}`),
          );
        }
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  private async load(): Promise<void> {
    const { signal } = this.abort;
    const detail = await this.api.match(this.matchId, signal);
    const [rounds, summary] = await Promise.all([
      this.api.rounds(this.matchId, signal),
      this.summaryOffered ? this.api.summary(this.matchId, signal) : Promise.resolve(null),
    ]);
    if (summary === null) this.summaryOffered = false;
    const types: string[] = [...HISTORY_TYPES];
    if (!summary) types.push('player_hurt');
    const pages = await Promise.all(types.map((type) => this.api.events(this.matchId, type, signal)));
    if (signal.aborted) return;

    const state = this.state ?? new MatchLiveState(detail);
    state.match = matchCardOf(detail);
    state.storedEvents = detail.events;
    state.setRounds(rounds);
    state.applyEvents(pages.flat().sort(storedOrder).map(fromStoredEvent));
    if (summary) state.applySummary(summary);
    if (!this.state) {
      this.state = state;
      this.mount(state);
    }
    const held = this.held;
    this.held = [];
    for (const message of held) this.apply(message);
    this.scheduleRender();
  }

  private mount(state: MatchLiveState): void {
    // A match in progress shows its live radar, with the replay of played rounds below; a
    // finished one opens its replay at the first round in the radar's place.
    const live = isInProgress(state.match);
    this.replay = new ReplayView(state, this.api, this.abort.signal);
    this.replay.renderPicker();
    this.sections.replay.append(h('h3', {}, 'Replay'), this.replay.element);
    if (live) {
      this.radar = new RadarView(state);
      this.sections.radar.append(h('h3', {}, 'Radar'), this.radar.element);
    }
    this.sections.rounds.addEventListener('click', (event) => {
      const cell = (event.target as Element | null)?.closest<HTMLElement>('.round-played');
      const round = Number(cell?.dataset.round);
      if (!this.replay || !Number.isInteger(round) || round < 1) return;
      void this.replay.open(round);
      this.sections.replay.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    });
    replaceChildren(
      this.container,
      this.sections.header,
      this.sections.rounds,
      h(
        'div',
        { class: 'match-grid' },
        live ? this.sections.radar : this.sections.replay,
        h(
          'section',
          { class: 'panel kill-feed', 'aria-label': 'Kill feed' },
          h('h3', {}, 'Kill feed'),
          this.sections.feed,
        ),
      ),
      live ? this.sections.replay : null,
      h('h3', { class: 'section-title' }, 'Scoreboard'),
      this.sections.scoreboard,
    );
    const first = [...state.rounds.keys()].sort((a, b) => a - b)[0];
    if (!live && first !== undefined) void this.replay.open(first);
    // The match opens at its top, wherever the list had scrolled the page (on a phone the
    // list sits above the match).
    this.container.scrollIntoView({ block: 'start' });
  }

  /** A message of this match's topic (or the match list's, for this match). */
  handle(message: ProcessedMessage): void {
    if (!this.state || this.loading !== null) {
      this.held.push(message);
      return;
    }
    this.apply(message);
    // Positions come 8 times a second: they move the radar only, not the rest of the page.
    const radarOnly =
      message.type === 'events' && message.events.every((event) => event.type === 'positions');
    if (radarOnly) this.radar?.schedule();
    else this.scheduleRender();
  }

  private apply(message: ProcessedMessage): void {
    const state = this.state;
    if (!state) return;
    switch (message.type) {
      case 'events':
        state.applyEvents(message.events.map(fromDashboardEvent));
        this.radar?.schedule();
        break;
      case 'round':
        state.applyRound(message.round);
        if (message.round.winnerSide) this.refreshSummarySoon();
        break;
      case 'match': {
        state.match = applyMatchPatch(state.match, message.match) ?? state.match;
        if (!isInProgress(state.match)) this.refreshSummarySoon();
        break;
      }
      case 'stats':
        state.applyLiveStats(message.players, message.voidedFrom);
        break;
      default:
        break;
    }
  }

  /** Without live `stats` messages, the summary is asked again when a round ends. */
  private refreshSummarySoon(): void {
    // Live statistics are newer than any summary.
    if (!this.summaryOffered || this.summaryTimer || this.state?.serverStatsSource === 'live') return;
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null;
      void this.api
        .summary(this.matchId, this.abort.signal)
        .then((summary) => {
          if (!summary || !this.state) return;
          this.state.applySummary(summary);
          this.scheduleRender();
        })
        .catch(() => undefined);
    }, SUMMARY_REFRESH_MS);
  }

  private scheduleRender(): void {
    if (this.renderFrame !== 0) return;
    this.renderFrame = requestAnimationFrame(() => {
      this.renderFrame = 0;
      const state = this.state;
      if (!state) return;
      renderMatchHeader(this.sections.header, state);
      renderRoundStrip(this.sections.rounds, state);
      renderKillFeed(this.sections.feed, state);
      renderScoreboard(this.sections.scoreboard, state);
      this.radar?.schedule();
      this.replay?.renderPicker();
    });
  }
}
