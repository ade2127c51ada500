/** The match header: both teams with the side they play now, the score, map, status and phase. */
import { h, replaceChildren } from '../dom.ts';
import { isInProgress, scoreline } from '../model/match-card.ts';
import type { MatchLiveState } from '../model/match-state.ts';
import { mapLabel, phaseLabel, statusLabel } from './labels.ts';

export function renderMatchHeader(header: HTMLElement, state: MatchLiveState): void {
  const { match } = state;
  const line = scoreline(match);
  const [first, second] = match.teams;
  const sideOf = (index: 0 | 1) => {
    const team = index === 0 ? first : second;
    return team ? state.sideOfTeam(team) : null;
  };
  const live = isInProgress(match);
  const team = (index: 0 | 1) => {
    const side = sideOf(index);
    const name = line?.[index].name ?? (index === 0 ? 'Team A' : 'Team B');
    return h(
      'div',
      { class: `header-team ${index === 0 ? 'left' : 'right'}${side ? ` side-${side.toLowerCase()}` : ''}` },
      side ? h('span', { class: 'side-badge', title: `Playing ${side} this round` }, side) : null,
      h('span', { class: 'header-team-name', 'data-testid': `team-${index}` }, name),
    );
  };
  const winner =
    line && !live && line[0].score !== line[1].score ? (line[0].score > line[1].score ? 0 : 1) : null;
  const phase = live ? phaseLabel(state.phase) : '';
  replaceChildren(
    header,
    h(
      'div',
      { class: 'header-main' },
      team(0),
      h(
        'div',
        { class: 'header-score', 'data-testid': 'score' },
        h('span', { class: winner === 0 ? 'won' : '' }, line ? line[0].score : 0),
        h('span', { class: 'score-sep' }, '–'),
        h('span', { class: winner === 1 ? 'won' : '' }, line ? line[1].score : 0),
      ),
      team(1),
    ),
    h(
      'div',
      { class: 'header-meta' },
      h('span', { class: `status status-${live ? 'live' : 'over'}` }, statusLabel(match.status)),
      h('span', { class: 'meta-map', 'data-testid': 'map' }, mapLabel(match.map)),
      phase && phase !== statusLabel(match.status) ? h('span', { class: 'meta-phase' }, phase) : null,
      state.currentRound > 0 ? h('span', {}, `Round ${state.currentRound}`) : null,
      match.tag ? h('span', { class: 'meta-tag' }, match.tag) : null,
      h('span', { class: 'meta-server', title: 'Game server' }, match.serverId),
    ),
  );
}
