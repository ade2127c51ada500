/**
 * The dashboard's controller: the match list (REST, then the `matches` topic), the open match
 * (from the URL's hash, `#/matches/<id>`), the socket and its status pill.
 */
import { ApiClient } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import { type ConnectionState, LiveSocket } from './live-socket.ts';
import { MatchView } from './match-view.ts';
import { applyMatchPatch, type MatchCard, matchCardOf } from './model/match-card.ts';
import { PlayerView } from './player-view.ts';
import { renderMatchList } from './views/match-list-view.ts';
import type { SocketMessage } from './wire.ts';

export interface AppElements {
  list: HTMLElement;
  main: HTMLElement;
  connection: HTMLElement;
}

/** Where the platform is: the page's own origin unless `/config.json` says otherwise (AWS). */
export interface Endpoints {
  /** REST base URL, without a trailing slash; empty for the page's origin. */
  apiUrl: string;
  /** The dashboard WebSocket's URL. */
  socketUrl: string;
}

function idFromHash(hash: string, kind: 'matches' | 'players'): string | null {
  const found = new RegExp(`^#/${kind}/([^/]+)$`).exec(hash);
  if (!found?.[1]) return null;
  try {
    return decodeURIComponent(found[1]);
  } catch {
    return null;
  }
}

export class DashboardApp {
  private readonly cards = new Map<string, MatchCard>();
  private readonly socket: LiveSocket;
  private readonly api: ApiClient;
  private view: MatchView | null = null;
  private playerView: PlayerView | null = null;
  private listFrame = 0;
  private connectionTimer: ReturnType<typeof setInterval> | null = null;
  /** Matches being fetched because a patch named a match the list did not have. */
  private readonly fetching = new Set<string>();

  constructor(
    private readonly elements: AppElements,
    endpoints: Endpoints,
  ) {
    this.api = new ApiClient(endpoints.apiUrl);
    this.socket = new LiveSocket(endpoints.socketUrl, {
      message: (message) => this.onMessage(message),
      state: (state) => this.showConnection(state),
      reconnected: () => {
        void this.loadList();
        void this.view?.reload();
      },
    });
  }

  start(): void {
    this.socket.subscribe({ topic: 'matches' });
    this.socket.start();
    window.addEventListener('hashchange', () => this.route());
    this.route();
    void this.loadList();
  }

  private async loadList(): Promise<void> {
    try {
      const matches = await this.api.matches();
      this.cards.clear();
      for (const match of matches) this.cards.set(match.id, matchCardOf(match));
    } catch (error) {
      replaceChildren(
        this.elements.list,
        h('li', { class: 'error' }, `Could not load matches: ${String(error)}`),
      );
      return;
    }
    this.scheduleList();
  }

  private route(): void {
    const matchId = idFromHash(location.hash, 'matches');
    const steamId = idFromHash(location.hash, 'players');
    if (matchId !== null && this.view?.matchId === matchId) return;
    if (steamId !== null && this.playerView?.steamId === steamId) return;
    this.view?.close();
    this.view = null;
    this.playerView?.close();
    this.playerView = null;
    if (steamId) {
      this.playerView = new PlayerView(this.elements.main, steamId, this.api);
      this.playerView.open();
    } else if (matchId) {
      this.view = new MatchView(this.elements.main, matchId, this.socket, this.api);
      this.view.open();
    } else {
      replaceChildren(
        this.elements.main,
        h(
          'div',
          { class: 'placeholder' },
          h('h2', {}, 'Pick a match'),
          h('p', {}, 'Matches in progress are at the top of the list and update live.'),
        ),
      );
    }
    this.scheduleList();
  }

  private onMessage(message: SocketMessage): void {
    switch (message.type) {
      case 'match': {
        const next = applyMatchPatch(this.cards.get(message.matchId), message.match);
        if (next) this.cards.set(next.id, next);
        else void this.fetchMatch(message.matchId);
        this.scheduleList();
        if (this.view?.matchId === message.matchId) this.view.handle(message);
        break;
      }
      case 'events':
      case 'round':
      case 'stats':
        if (this.view?.matchId === message.matchId) this.view.handle(message);
        break;
      default:
        break;
    }
  }

  private async fetchMatch(matchId: string): Promise<void> {
    if (this.fetching.has(matchId)) return;
    this.fetching.add(matchId);
    try {
      this.cards.set(matchId, matchCardOf(await this.api.match(matchId)));
      this.scheduleList();
    } catch {
      // Not stored yet or gone: the next patch or a reload brings it.
    } finally {
      this.fetching.delete(matchId);
    }
  }

  private scheduleList(): void {
    if (this.listFrame !== 0) return;
    this.listFrame = requestAnimationFrame(() => {
      this.listFrame = 0;
      renderMatchList(this.elements.list, this.cards.values(), this.view?.matchId ?? null);
    });
  }

  private showConnection(state: ConnectionState): void {
    const pill = this.elements.connection;
    if (this.connectionTimer) clearInterval(this.connectionTimer);
    this.connectionTimer = null;
    pill.dataset.state = state.status;
    switch (state.status) {
      case 'open':
        pill.textContent = 'Live';
        pill.title = 'Connected: updates arrive as they happen';
        break;
      case 'connecting':
        pill.textContent = state.failures > 0 ? `Reconnecting… (${state.failures})` : 'Connecting…';
        pill.title = 'Opening the live connection';
        break;
      case 'waiting': {
        const tick = () => {
          const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
          pill.textContent = `Offline · retry in ${seconds} s`;
        };
        tick();
        pill.title = 'The live connection dropped; the page retries with a growing delay';
        this.connectionTimer = setInterval(tick, 1000);
        break;
      }
      default: {
        const unknown: never = state;
        throw new TypeError(`unknown connection state ${JSON.stringify(unknown)}`);
      }
    }
  }
}
