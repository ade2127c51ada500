/** The kill feed, newest first: attacker, assist, weapon, headshot and other marks, victim. */
import { h, replaceChildren } from '../dom.ts';
import type { KillEntry, MatchLiveState } from '../model/match-state.ts';
import { weaponLabel } from './labels.ts';

/** Kills shown; older ones stay in the state for the statistics. */
const SHOWN = 60;

function player(state: MatchLiveState, steamId: string | null, side: string | null): HTMLElement {
  return h(
    'span',
    { class: `player${side ? ` side-${side.toLowerCase()}` : ''}` },
    steamId && !steamId.startsWith('BOT:')
      ? h('a', { href: `#/players/${encodeURIComponent(steamId)}` }, state.nameOf(steamId))
      : steamId
        ? state.nameOf(steamId)
        : 'World',
  );
}

function killItem(state: MatchLiveState, kill: KillEntry): HTMLLIElement {
  const suicide = kill.attacker === null || kill.attacker === kill.victim;
  return h(
    'li',
    { class: `kill${kill.postRound ? ' post-round' : ''}`, 'data-round': kill.round },
    h('span', { class: 'kill-round', title: `Round ${kill.round}` }, `R${kill.round}`),
    suicide ? null : player(state, kill.attacker, kill.attackerSide),
    kill.assister && !suicide
      ? h(
          'span',
          { class: 'assist', title: kill.flashAssist ? 'flash assist' : 'assist' },
          `+ ${state.nameOf(kill.assister)}`,
        )
      : null,
    h('span', { class: 'weapon' }, weaponLabel(kill.weapon)),
    kill.noscope ? h('span', { class: 'mark', title: 'no scope' }, 'NS') : null,
    kill.throughSmoke ? h('span', { class: 'mark', title: 'through smoke' }, 'SMK') : null,
    kill.wallbang ? h('span', { class: 'mark', title: 'wallbang' }, 'WB') : null,
    kill.headshot ? h('span', { class: 'mark hs', title: 'headshot' }, 'HS') : null,
    player(state, kill.victim, kill.victimSide),
    kill.postRound
      ? h('span', { class: 'post-round-tag', title: 'after the round was decided' }, 'post-round')
      : null,
  );
}

export function renderKillFeed(list: HTMLElement, state: MatchLiveState): void {
  const recent = state.kills.slice(-SHOWN).reverse();
  if (recent.length === 0) {
    replaceChildren(list, h('li', { class: 'empty' }, 'No kills yet.'));
    return;
  }
  replaceChildren(
    list,
    recent.map((kill) => killItem(state, kill)),
  );
}
