/**
 * A player's page (`#/players/<steamId>`): career figures over every stored match, figures per
 * map, recent matches (each a link to the match), and the player's rounds in one of them (kills
 * and deaths round by round, from the match's stored kills).
 */
import type { ApiClient } from './api-client.ts';
import { h, replaceChildren } from './dom.ts';
import { mapLabel } from './views/labels.ts';
import type { CareerMatch, PlayerCareer, StoredEvent } from './wire.ts';

const fixed = (value: number, digits: number) => value.toFixed(digits);

function figure(label: string, value: string, title: string, testId: string): HTMLElement {
  return h(
    'div',
    { class: 'figure', title },
    h('span', { class: 'figure-value', 'data-testid': testId }, value),
    h('span', { class: 'figure-label' }, label),
  );
}

function scoreOf(match: CareerMatch): string {
  const [first, second] = Object.entries(match.score);
  return first && second ? `${first[0]} ${first[1]}–${second[1]} ${second[0]}` : '';
}

export class PlayerView {
  private readonly abort = new AbortController();
  private readonly rounds = h('div', { class: 'player-rounds', 'data-testid': 'player-rounds' });

  constructor(
    private readonly container: HTMLElement,
    readonly steamId: string,
    private readonly api: ApiClient,
  ) {}

  open(): void {
    replaceChildren(this.container, h('p', { class: 'loading' }, 'Loading player…'));
    this.container.scrollIntoView({ block: 'start' });
    void this.load().catch((error: unknown) => {
      if (this.abort.signal.aborted) return;
      replaceChildren(
        this.container,
        h('p', { class: 'error' }, `Could not load the player: ${String(error)}`),
      );
    });
  }

  close(): void {
    this.abort.abort();
  }

  private async load(): Promise<void> {
    const player = await this.api.player(this.steamId, this.abort.signal);
    if (this.abort.signal.aborted) return;
    if (player === null) {
      replaceChildren(
        this.container,
        h('p', { class: 'empty' }, `No stored match has player ${this.steamId}.`),
      );
      return;
    }
    this.render(player);
    const latest = player.recentMatches[0];
    if (latest) await this.showRounds(latest);
  }

  private render(player: PlayerCareer): void {
    const { career } = player;
    const picker = h(
      'select',
      { 'aria-label': 'Match', 'data-testid': 'player-match-picker' },
      player.recentMatches.map((match) =>
        h('option', { value: match.matchId }, `${mapLabel(match.map)} · ${scoreOf(match)}`),
      ),
    );
    picker.addEventListener('change', () => {
      const match = player.recentMatches.find((candidate) => candidate.matchId === picker.value);
      if (match) void this.showRounds(match);
    });
    replaceChildren(
      this.container,
      h(
        'section',
        { class: 'player-header' },
        h('h2', { 'data-testid': 'player-name' }, player.name ?? player.steamId),
        h('span', { class: 'player-id' }, player.steamId),
      ),
      h(
        'section',
        { class: 'panel figures', 'aria-label': 'Career' },
        h('h3', {}, `Career · ${career.matches} matches, ${career.roundsPlayed} rounds`),
        h(
          'div',
          { class: 'figure-grid' },
          figure('Kills', String(career.kills), 'Enemy kills', 'career-kills'),
          figure('Deaths', String(career.deaths), 'Deaths', 'career-deaths'),
          figure('Assists', String(career.assists), 'Assists', 'career-assists'),
          figure('ADR', fixed(career.adr, 1), 'Average damage per round', 'career-adr'),
          figure(
            'KAST',
            `${fixed(career.kast, 0)}%`,
            'Rounds with a kill, assist, survival or trade',
            'career-kast',
          ),
          figure('HS%', `${fixed(career.hsPercent, 0)}%`, 'Headshot kills, % of kills', 'career-hs'),
          figure(
            'Opening duels',
            `${career.openingKills}–${career.openingDeaths}`,
            'First kills won and lost',
            'career-opening',
          ),
          figure('Utility damage', String(career.utilityDamage), 'HE and fire damage', 'career-ud'),
          figure(
            'HLTV 1.0',
            fixed(career.rating1, 2),
            'HLTV rating 1.0 (reference/stats.md)',
            'career-rating',
          ),
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-label': 'Maps' },
        h('h3', {}, 'By map'),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'scoreboard-table', 'data-testid': 'player-maps' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { class: 'name', scope: 'col' }, 'Map'),
                h('th', { scope: 'col' }, 'Matches'),
                h('th', { scope: 'col' }, 'Rounds'),
                h('th', { scope: 'col' }, 'K–D'),
                h('th', { scope: 'col' }, 'ADR'),
                h('th', { scope: 'col' }, 'HLTV 1.0'),
              ),
            ),
            h(
              'tbody',
              {},
              player.maps.map(({ map, stats }) =>
                h(
                  'tr',
                  { 'data-map': map ?? '' },
                  h('th', { class: 'name', scope: 'row' }, mapLabel(map)),
                  h('td', {}, stats.matches),
                  h('td', {}, stats.roundsPlayed),
                  h('td', {}, `${stats.kills}–${stats.deaths}`),
                  h('td', {}, fixed(stats.adr, 1)),
                  h('td', {}, fixed(stats.rating1, 2)),
                ),
              ),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-label': 'Recent matches' },
        h('h3', {}, 'Recent matches'),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'scoreboard-table', 'data-testid': 'player-matches' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { class: 'name', scope: 'col' }, 'Match'),
                h('th', { scope: 'col' }, 'Team'),
                h('th', { scope: 'col' }, 'K–D–A'),
                h('th', { scope: 'col' }, 'ADR'),
                h('th', { scope: 'col' }, 'KAST'),
                h('th', { scope: 'col' }, 'HLTV 1.0'),
              ),
            ),
            h(
              'tbody',
              {},
              player.recentMatches.map((match) =>
                h(
                  'tr',
                  { 'data-match-id': match.matchId },
                  h(
                    'th',
                    { class: 'name', scope: 'row' },
                    h(
                      'a',
                      { href: `#/matches/${encodeURIComponent(match.matchId)}` },
                      `${mapLabel(match.map)} · ${scoreOf(match)}`,
                    ),
                  ),
                  h('td', {}, match.team ?? '–'),
                  h('td', {}, `${match.kills}–${match.deaths}–${match.assists}`),
                  h('td', {}, fixed(match.adr, 1)),
                  h('td', {}, `${fixed(match.kast, 0)}%`),
                  h('td', {}, fixed(match.rating1, 2)),
                ),
              ),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-label': 'Rounds in a match' },
        h('h3', {}, 'Rounds in a match'),
        picker,
        this.rounds,
      ),
    );
  }

  /** The player's kills and deaths in each round of one match. */
  private async showRounds(match: CareerMatch): Promise<void> {
    const deaths: StoredEvent[] = await this.api.events(match.matchId, 'player_death', this.abort.signal);
    if (this.abort.signal.aborted) return;
    const byRound = new Map<number, { kills: number; headshots: number; died: boolean }>();
    for (const { roundNumber, event } of deaths) {
      if (roundNumber < 1) continue;
      const line = byRound.get(roundNumber) ?? { kills: 0, headshots: 0, died: false };
      if (event.attacker === this.steamId && event.victim !== this.steamId) {
        line.kills += 1;
        if (event.headshot === true) line.headshots += 1;
      }
      if (event.victim === this.steamId) line.died = true;
      byRound.set(roundNumber, line);
    }
    const numbers = [...byRound.keys()].sort((a, b) => a - b);
    replaceChildren(
      this.rounds,
      numbers.length === 0
        ? h('p', { class: 'empty' }, 'No kills or deaths stored for this match.')
        : h(
            'ol',
            { class: 'player-round-list' },
            numbers.map((number) => {
              const line = byRound.get(number)!;
              return h(
                'li',
                {
                  class: `player-round${line.died ? ' died' : ''}`,
                  'data-round': number,
                  title: `Round ${number}: ${line.kills} kills (${line.headshots} headshots)${line.died ? ', died' : ', survived'}`,
                },
                h('span', { class: 'round-number' }, number),
                h('span', { class: 'round-kills' }, line.kills > 0 ? `${line.kills}K` : '–'),
                h('span', { class: 'round-death' }, line.died ? '✝' : ''),
              );
            }),
          ),
    );
  }
}
