/**
 * Knife rounds (played before the match to pick sides) are not rounds of the match. A plugin can
 * announce one (`round_start` with `knife: true`); otherwise the first round after a reset in
 * which every shot, hit and kill was made with a knife is one.
 */

const KNIFE_WEAPON = /knife|bayonet/i;

/** A weapon a knife round is played with (every knife skin, the bayonet). */
export function isWeaponOfKnifeRound(weapon: string): boolean {
  return KNIFE_WEAPON.test(weapon);
}
