/**
 * A small per-player table (the replay's scoreboard at a moment, the round detail): a name column
 * that links to the player's page, then one column of figures each. Wide tables scroll inside
 * their card (`.table-scroll`).
 */
import { h } from '../dom.ts';

export interface CompactColumn {
  label: string;
  title: string;
}

export interface CompactRow {
  steamId: string;
  name: string;
  /** Extra classes of the name cell (a side colour). */
  nameClass?: string;
  cells: readonly (string | number)[];
}

export function compactTable(columns: readonly CompactColumn[], rows: readonly CompactRow[]): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'scoreboard-table compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { class: 'name', scope: 'col' }, 'Player'),
          columns.map((column) => h('th', { scope: 'col', title: column.title }, column.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            { 'data-steam-id': row.steamId },
            h(
              'th',
              { class: `name${row.nameClass ? ` ${row.nameClass}` : ''}`, scope: 'row' },
              h('a', { href: `#/players/${encodeURIComponent(row.steamId)}` }, row.name),
            ),
            row.cells.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    ),
  );
}
