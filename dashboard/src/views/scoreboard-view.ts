/**
 * The scoreboard: one table per team from the best statistics available, sortable by any column
 * (click its header; again to reverse). Each name opens the player's page. With the platform's
 * statistics it shows opening duels, multi-kills, clutches, utility damage and flash assists too,
 * and one rating: HLTV 1.0, named so (`geqo analyze` shows the same).
 */
import { h, replaceChildren } from '../dom.ts';
import type { MatchLiveState, ScoreLine, StatsSource } from '../model/match-state.ts';

const SOURCES: Readonly<Record<StatsSource, string>> = {
  live: 'Live statistics, updated as rounds end',
  summary: 'Match statistics',
  events: 'Counted from the events this page received (K/D/A, ADR, HS%)',
};

interface Column {
  key: string;
  label: string;
  title: string;
  /** Only with the platform's statistics. */
  full?: boolean;
  value: (line: ScoreLine) => number | null;
  format: (line: ScoreLine) => string;
}

const fixed = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

const COLUMNS: readonly Column[] = [
  { key: 'k', label: 'K', title: 'Kills', value: (l) => l.kills, format: (l) => String(l.kills) },
  { key: 'd', label: 'D', title: 'Deaths', value: (l) => -l.deaths, format: (l) => String(l.deaths) },
  { key: 'a', label: 'A', title: 'Assists', value: (l) => l.assists, format: (l) => String(l.assists) },
  {
    key: 'diff',
    label: '+/−',
    title: 'Kills minus deaths',
    value: (l) => l.kills - l.deaths,
    format: (l) => {
      const diff = l.kills - l.deaths;
      return diff > 0 ? `+${diff}` : String(diff);
    },
  },
  {
    key: 'adr',
    label: 'ADR',
    title: 'Average damage per round',
    value: (l) => l.adr,
    format: (l) => fixed(l.adr, 1),
  },
  {
    key: 'hs',
    label: 'HS%',
    title: 'Headshot kills, % of kills',
    value: (l) => l.hsPercent,
    format: (l) => `${fixed(l.hsPercent, 0)}%`,
  },
  {
    key: 'kast',
    label: 'KAST',
    title: 'Rounds with a kill, assist, survival or trade',
    full: true,
    value: (l) => l.kast,
    format: (l) => (l.kast === null ? '–' : `${fixed(l.kast, 0)}%`),
  },
  {
    key: 'fk',
    label: 'FK–FD',
    title: 'Opening duels: the round’s first kill won and lost',
    full: true,
    value: (l) => (l.more ? l.more.openingKills - l.more.openingDeaths : null),
    format: (l) => (l.more ? `${l.more.openingKills}–${l.more.openingDeaths}` : '–'),
  },
  {
    key: 'mk',
    label: '3K+',
    title: 'Rounds with three kills or more',
    full: true,
    value: (l) => l.more?.multiKills3plus ?? null,
    format: (l) => String(l.more?.multiKills3plus ?? '–'),
  },
  {
    key: 'cl',
    label: 'Clutch',
    title: 'Clutches won (1vX)',
    full: true,
    value: (l) => l.more?.clutchesWon ?? null,
    format: (l) => String(l.more?.clutchesWon ?? '–'),
  },
  {
    key: 'ud',
    label: 'UD',
    title: 'Utility damage (HE and fire)',
    full: true,
    value: (l) => l.more?.utilityDamage ?? null,
    format: (l) => String(l.more?.utilityDamage ?? '–'),
  },
  {
    key: 'fa',
    label: 'FA',
    title: 'Flash assists',
    full: true,
    value: (l) => l.more?.flashAssists ?? null,
    format: (l) => String(l.more?.flashAssists ?? '–'),
  },
  {
    key: 'rating',
    label: 'HLTV 1.0',
    title: 'HLTV rating 1.0 (reference/stats.md)',
    full: true,
    value: (l) => l.rating,
    format: (l) => fixed(l.rating, 2),
  },
];

/** The sort the reader picked: a column and its direction; the rating, best first, by default. */
const sort = { key: 'rating', descending: true };

function compare(column: Column | undefined, a: ScoreLine, b: ScoreLine): number {
  const value = (line: ScoreLine) => column?.value(line) ?? Number.NEGATIVE_INFINITY;
  const primary = value(b) - value(a);
  const order = sort.descending ? primary : -primary;
  return order || b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name);
}

function teamTable(
  title: string,
  lines: readonly ScoreLine[],
  full: boolean,
  onSort: (key: string) => void,
): HTMLElement {
  const columns = COLUMNS.filter((column) => full || !column.full);
  const sortKey = columns.some((column) => column.key === sort.key) ? sort.key : 'k';
  const sortColumn = columns.find((column) => column.key === sortKey);
  const sorted = [...lines].sort((a, b) => compare(sortColumn, a, b));
  const header = (column: Column) => {
    const active = column.key === sortKey;
    const button = h(
      'button',
      { type: 'button', class: 'sort', title: `${column.title}: sort` },
      column.label,
      active ? (sort.descending ? ' ▾' : ' ▴') : '',
    );
    button.addEventListener('click', () => onSort(column.key));
    return h(
      'th',
      {
        scope: 'col',
        title: column.title,
        'data-column': column.key,
        'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : null,
      },
      button,
    );
  };
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'scoreboard-table' },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { class: 'name', scope: 'col' }, 'Player'), columns.map(header))),
      h(
        'tbody',
        {},
        sorted.map((line) => {
          const diff = line.kills - line.deaths;
          return h(
            'tr',
            { 'data-steam-id': line.steamId },
            h(
              'th',
              { class: 'name', scope: 'row' },
              h(
                'a',
                { href: `#/players/${encodeURIComponent(line.steamId)}`, 'data-testid': 'player-link' },
                line.name,
              ),
            ),
            columns.map((column) =>
              h(
                'td',
                {
                  'data-column': column.key,
                  class: column.key === 'diff' ? (diff > 0 ? 'plus' : diff < 0 ? 'minus' : '') : null,
                },
                column.format(line),
              ),
            ),
          );
        }),
      ),
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
  const onSort = (key: string) => {
    sort.descending = sort.key === key ? !sort.descending : true;
    sort.key = key;
    renderScoreboard(section, state);
  };
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
        .map(([team, group]) => teamTable(team, group, full, onSort)),
    ),
    h('p', { class: 'source', 'data-source': source }, SOURCES[source]),
  );
}
