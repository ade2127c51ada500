/** The match list: matches in progress first, then finished ones; each links to its match view. */
import { h, replaceChildren } from '../dom.ts';
import { isInProgress, type MatchCard, scoreline, sortMatches } from '../model/match-card.ts';
import { mapLabel, statusLabel, timeLabel } from './labels.ts';

function matchItem(card: MatchCard, selected: boolean): HTMLLIElement {
  const line = scoreline(card);
  const live = isInProgress(card);
  const leader = line && line[0].score !== line[1].score ? (line[0].score > line[1].score ? 0 : 1) : null;
  return h(
    'li',
    { class: 'match-item', 'data-match-id': card.id, 'data-status': card.status },
    h(
      'a',
      { href: `#/matches/${encodeURIComponent(card.id)}`, 'aria-current': selected ? 'page' : null },
      h(
        'div',
        { class: 'match-item-top' },
        h('span', { class: `status status-${live ? 'live' : 'over'}` }, statusLabel(card.status)),
        h('span', { class: 'match-map' }, mapLabel(card.map)),
        h('span', { class: 'match-time' }, timeLabel(card.endedAt ?? card.startedAt)),
      ),
      line
        ? h(
            'div',
            { class: 'match-item-teams' },
            [0, 1].map((index) =>
              h(
                'div',
                { class: `match-team${leader === index ? ' leading' : ''}` },
                h('span', { class: 'team-name' }, line[index]!.name),
                h('span', { class: 'team-score' }, line[index]!.score),
              ),
            ),
          )
        : h('div', { class: 'match-item-teams pending' }, 'Teams not known yet'),
      card.tag ? h('div', { class: 'match-tag' }, card.tag) : null,
    ),
  );
}

/** Renders the list into its `<ol>`; `selectedId` is the match open in the main view. */
export function renderMatchList(
  list: HTMLElement,
  cards: Iterable<MatchCard>,
  selectedId: string | null,
): void {
  const sorted = sortMatches(cards);
  if (sorted.length === 0) {
    replaceChildren(
      list,
      h(
        'li',
        { class: 'empty' },
        'No matches yet. Register a server and start one: ',
        h('code', {}, 'geqo server add'),
      ),
    );
    return;
  }
  const firstOver = sorted.findIndex((card) => !isInProgress(card));
  replaceChildren(
    list,
    sorted.flatMap((card, index) => [
      index === firstOver ? h('li', { class: 'list-divider', role: 'presentation' }, 'Finished') : null,
      matchItem(card, card.id === selectedId),
    ]),
  );
}
