/**
 * The round history as casters know it: one column per round, one row per team; a round's icon
 * (how it was won) sits in the winner's row, coloured by the side that won it. Gaps mark the
 * halves; rounds still to play in regulation are shown empty, the round in progress outlined.
 */
import { h, replaceChildren } from '../dom.ts';
import { isInProgress } from '../model/match-card.ts';
import type { MatchLiveState, RoundCell } from '../model/match-state.ts';
import { reasonIcon } from './icons.ts';
import { roundReason } from './labels.ts';

const REGULATION = 24;
const HALF = 12;
const OVERTIME_HALF = 3;

/** A half ends after this round: a gap follows it. */
function endsHalf(round: number): boolean {
  return round === HALF || (round > REGULATION && (round - REGULATION) % OVERTIME_HALF === 0);
}

function roundTitle(round: RoundCell): string {
  const score = Object.entries(round.scoreAfter)
    .map(([team, points]) => `${team} ${points}`)
    .join(', ');
  const reason = roundReason(round.reason).label;
  return `Round ${round.number}: ${round.winnerTeam ?? '?'} (${round.winnerSide ?? '?'}) — ${reason}${score ? `. ${score}` : ''}`;
}

export function renderRoundStrip(section: HTMLElement, state: MatchLiveState): void {
  const [first, second] = state.match.teams;
  const played = [...state.rounds.values()].filter((round) => round.winnerSide !== null);
  const lastPlayed = played.reduce((max, round) => Math.max(max, round.number), 0);
  const live = isInProgress(state.match);
  const inProgress = live ? Math.max(state.currentRound, lastPlayed + 1) : 0;
  const columns = live ? Math.max(REGULATION, inProgress) : lastPlayed;
  const cells: HTMLElement[] = [];
  for (let number = 1; number <= columns; number += 1) {
    const round = state.rounds.get(number);
    const won = round?.winnerSide ? round : null;
    const rowOf = (teamName: string | undefined) => {
      if (!won || !teamName || won.winnerTeam !== teamName) return h('span', { class: 'round-slot' });
      const { label, icon } = roundReason(won.reason);
      return h(
        'span',
        { class: `round-slot won side-${(won.winnerSide ?? 'ct').toLowerCase()}`, title: label },
        reasonIcon(icon, label),
      );
    };
    const state_ = won ? 'played' : number === inProgress ? 'current' : 'future';
    cells.push(
      h(
        'li',
        {
          class: `round round-${state_}${endsHalf(number) ? ' half-end' : ''}`,
          'data-round': number,
          'data-winner': won?.winnerTeam ?? null,
          'data-reason': won?.reason ?? null,
          title: won
            ? roundTitle(won)
            : number === inProgress
              ? `Round ${number}: in progress`
              : `Round ${number}`,
        },
        rowOf(first?.name),
        rowOf(second?.name),
        h('span', { class: 'round-number' }, number),
      ),
    );
  }
  replaceChildren(
    section,
    h(
      'div',
      { class: 'round-strip-teams' },
      h('span', {}, first?.name ?? ''),
      h('span', {}, second?.name ?? ''),
    ),
    cells.length > 0
      ? h('ol', { class: 'round-strip', 'aria-label': 'Rounds' }, cells)
      : h('p', { class: 'empty' }, 'No rounds played yet.'),
  );
}
