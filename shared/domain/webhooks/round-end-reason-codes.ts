/**
 * Round end reasons as the two plugins number them.
 *
 * MatchZy passes on CounterStrikeSharp's `RoundEndReason`, which is the game's own numbering
 * (1 = target bombed … 18 = CTs surrender). get5 sends SourceMod's `CSRoundEndReason`, which is
 * the game's number minus one (get5 subtracts one on purpose: "CSRoundEndReason is incorrect in
 * CSGO compared to the enumerations defined here"). Reasons of other game modes (hostages, VIP,
 * escape) have no competitive meaning and map to `null`: the caller falls back to the winner.
 */
import type { RoundEndReason } from '../events/index.ts';
import type { WebhookSource } from './webhook-source.ts';

/** The game's own round end reason numbers (CounterStrikeSharp `RoundEndReason`). */
const GAME_REASONS: ReadonlyMap<number, RoundEndReason> = new Map([
  [1, 'target_bombed'],
  [7, 'bomb_defused'],
  [8, 'ct_win'],
  [9, 't_win'],
  [10, 'draw'],
  [12, 'target_saved'],
  [16, 'game_commencing'],
  [17, 't_surrender'],
  [18, 'ct_surrender'],
]);

/** The catalog reason of a webhook's numeric `reason`, or `null` when it names none. */
export function roundEndReasonOf(source: WebhookSource, code: number | null): RoundEndReason | null {
  if (code === null) return null;
  const gameCode = source === 'get5' ? code + 1 : code;
  return GAME_REASONS.get(gameCode) ?? null;
}
