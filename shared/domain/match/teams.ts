/**
 * Team identity across side swaps. A team is `A` (on CT in the first live round) or `B`; which of
 * them plays CT in a later round is decided, strongest evidence first, by the players' sides (a
 * majority of the players whose team is known), then by team names (`team_names`), then by the
 * swap schedule. Scores follow teams, never sides.
 */
import type { PlayingSide } from '../events/index.ts';
import type { MatchState, SideSource } from './engine-state.ts';
import type { TeamKey } from './enrichment.ts';
import type { TeamSummary } from './match-effects.ts';
import { type MatchRules, scheduledCtTeam } from './match-rules.ts';

const GENERIC_TEAM_NAMES: ReadonlySet<string> = new Set([
  '',
  'ct',
  't',
  'tt',
  'terrorist',
  'terrorists',
  'counter-terrorist',
  'counter-terrorists',
  'counter terrorists',
  'counterterrorists',
  'team ct',
  'team t',
  'team_ct',
  'team_t',
  'spectator',
  'spectators',
  'unassigned',
]);

/** Default names while the game has not named the teams. */
const DEFAULT_TEAM_NAMES: Readonly<Record<TeamKey, string>> = { A: 'Team A', B: 'Team B' };

export function otherTeam(key: TeamKey): TeamKey {
  return key === 'A' ? 'B' : 'A';
}

/** A side's label rather than a team's name ("CT", "TERRORIST", empty): it names no team. */
export function isGenericTeamName(name: string): boolean {
  return GENERIC_TEAM_NAMES.has(name.trim().toLowerCase());
}

export function teamName(match: MatchState, key: TeamKey): string {
  return match.teamNames[key] ?? DEFAULT_TEAM_NAMES[key];
}

/** The team on `side` when `ctTeam` plays CT. */
export function teamOnSide(ctTeam: TeamKey, side: PlayingSide): TeamKey {
  return side === 'CT' ? ctTeam : otherTeam(ctTeam);
}

/** The team on CT by a majority of the connected players whose team is known; null on a tie or no evidence. */
export function voteCtTeam(match: MatchState): TeamKey | null {
  let votesForA = 0;
  let votesForB = 0;
  for (const steamId in match.players) {
    const player = match.players[steamId];
    if (player === undefined || !player.connected || player.team === null) continue;
    if (player.side !== 'CT' && player.side !== 'T') continue;
    const ctTeam = player.side === 'CT' ? player.team : otherTeam(player.team);
    if (ctTeam === 'A') votesForA++;
    else votesForB++;
  }
  if (votesForA === votesForB) return null;
  return votesForA > votesForB ? 'A' : 'B';
}

/** The team on CT by the last `team_names`, when they name the match's teams; null otherwise. */
function ctTeamByNames(match: MatchState): TeamKey | null {
  const { CT: ctName, T: tName } = match.sideNames;
  const { A: nameA, B: nameB } = match.teamNames;
  if (ctName !== null && ctName === nameA) return 'A';
  if (ctName !== null && ctName === nameB) return 'B';
  if (tName !== null && tName === nameA) return 'B';
  if (tName !== null && tName === nameB) return 'A';
  return null;
}

/** Which team plays CT in round `roundNumber`, and on what evidence. */
export function resolveCtTeam(
  match: MatchState,
  roundNumber: number,
  rules: MatchRules,
): { ctTeam: TeamKey; source: SideSource } {
  if (!match.teamsFixed) return { ctTeam: 'A', source: 'first_round' };
  const byPlayers = voteCtTeam(match);
  if (byPlayers !== null) return { ctTeam: byPlayers, source: 'players' };
  const byNames = ctTeamByNames(match);
  if (byNames !== null) return { ctTeam: byNames, source: 'team_names' };
  return { ctTeam: scheduledCtTeam(roundNumber, rules), source: 'schedule' };
}

/**
 * Applies the last `team_names` to the teams. A name already held by a team anchors the mapping
 * (names announced at halftime before the players switched must not swap the teams); otherwise
 * the team on CT now takes the CT name. Returns whether a name changed.
 */
export function applySideNames(match: MatchState, ctTeamNow: TeamKey): boolean {
  const { CT: ctName, T: tName } = match.sideNames;
  if (ctName === null || tName === null || ctName === tName) return false;
  const ctTeam = ctTeamByNames(match) ?? ctTeamNow;
  const tTeam = otherTeam(ctTeam);
  let changed = false;
  if (match.teamNames[ctTeam] !== ctName) {
    match.teamNames[ctTeam] = ctName;
    changed = true;
  }
  if (match.teamNames[tTeam] !== tName) {
    match.teamNames[tTeam] = tName;
    changed = true;
  }
  return changed;
}

export function scoreByName(match: MatchState): Record<string, number> {
  return { [teamName(match, 'A')]: match.score.A, [teamName(match, 'B')]: match.score.B };
}

export function teamSummaries(match: MatchState): TeamSummary[] {
  return [
    { key: 'A', name: teamName(match, 'A'), startSide: 'CT', score: match.score.A },
    { key: 'B', name: teamName(match, 'B'), startSide: 'T', score: match.score.B },
  ];
}
