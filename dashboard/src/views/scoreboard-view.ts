/** The scoreboard: one table per team, best first, from the best statistics available. */
import { h, replaceChildren } from '../dom.ts';
import type { MatchLiveState, ScoreLine, StatsSource } from '../model/match-state.ts';

const SOURCES: Readonly<Record<StatsSource, string>> = {
  live: 'Live statistics, updated as rounds end',
  summary: 'Match statistics',
  events: 'Counted from the events this page received (K/D/A, ADR, HS%)',
};

const fixed = (value: number, digits: number) => value.toFixed(digits);

function teamTable(title: string, lines: readonly ScoreLine[], full: boolean): HTMLElement {
  const sorted = [...lines].sort(
    (a, b) => (b.rating ?? 0) - (a.rating ?? 0) || b.kills - a.kills || a.deaths - b.deaths,
  );
  return h(
    'table',
    { class: 'scoreboard-table' },
    h('caption', {}, title),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'name', scope: 'col' }, 'Player'),
        h('th', { scope: 'col', title: 'Kills' }, 'K'),
        h('th', { scope: 'col', title: 'Deaths' }, 'D'),
        h('th', { scope: 'col', title: 'Assists' }, 'A'),
        h('th', { scope: 'col', title: 'Kills minus deaths' }, '+/−'),
        h('th', { scope: 'col', title: 'Average damage per round' }, 'ADR'),
        h('th', { scope: 'col', title: 'Headshot kills, % of kills' }, 'HS%'),
        full
          ? h('th', { scope: 'col', title: 'Rounds with a kill, assist, survival or trade' }, 'KAST')
          : null,
        full ? h('th', { scope: 'col', title: 'HLTV rating 1.0' }, 'Rating') : null,
      ),
    ),
    h(
      'tbody',
      {},
      sorted.map((line) => {
        const diff = line.kills - line.deaths;
        return h(
          'tr',
          { 'data-steam-id': line.steamId },
          h('th', { class: 'name', scope: 'row' }, line.name),
          h('td', {}, line.kills),
          h('td', {}, line.deaths),
          h('td', {}, line.assists),
          h('td', { class: diff > 0 ? 'plus' : diff < 0 ? 'minus' : '' }, diff > 0 ? `+${diff}` : diff),
          h('td', {}, fixed(line.adr, 1)),
          h('td', {}, `${fixed(line.hsPercent, 0)}%`),
          full ? h('td', {}, line.kast === null ? '–' : `${fixed(line.kast, 0)}%`) : null,
          full ? h('td', {}, line.rating === null ? '–' : fixed(line.rating, 2)) : null,
        );
      }),
    ),
  );
}

export function renderScoreboard(section: HTMLElement, state: MatchLiveState): void {
  const { source, lines } = state.scoreboard();
  if (lines.length === 0) {
    replaceChildren(section, h('p', { class: 'empty' }, 'No statistics yet.'));
    return;
  }
  const full = source !== 'events';
  const teamNames = state.match.teams.map((team) => team.name);
  const groups = new Map<string, ScoreLine[]>(teamNames.map((name) => [name, []]));
  for (const line of lines) {
    const key = line.team ?? 'Unassigned';
    const group = groups.get(key) ?? [];
    if (group.length === 0) groups.set(key, group);
    group.push(line);
  }
  replaceChildren(
    section,
    h(
      'div',
      { class: 'scoreboard-tables' },
      [...groups]
        .filter(([, group]) => group.length > 0)
        .map(([team, group]) => teamTable(team, group, full)),
    ),
    h('p', { class: 'source', 'data-source': source }, SOURCES[source]),
  );
}
