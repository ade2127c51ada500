/** Words the views show for the platform's codes: weapons, round end reasons, phases. */

const WEAPONS: Readonly<Record<string, string>> = {
  ak47: 'AK-47',
  m4a1: 'M4A4',
  m4a1_silencer: 'M4A1-S',
  m4a1_silencer_off: 'M4A1-S',
  awp: 'AWP',
  ssg08: 'SSG 08',
  aug: 'AUG',
  sg556: 'SG 553',
  famas: 'FAMAS',
  galilar: 'Galil AR',
  scar20: 'SCAR-20',
  g3sg1: 'G3SG1',
  deagle: 'Desert Eagle',
  revolver: 'R8 Revolver',
  usp_silencer: 'USP-S',
  usp_silencer_off: 'USP-S',
  hkp2000: 'P2000',
  glock: 'Glock-18',
  p250: 'P250',
  fiveseven: 'Five-SeveN',
  tec9: 'Tec-9',
  cz75a: 'CZ75-Auto',
  elite: 'Dual Berettas',
  mac10: 'MAC-10',
  mp9: 'MP9',
  mp7: 'MP7',
  mp5sd: 'MP5-SD',
  ump45: 'UMP-45',
  p90: 'P90',
  bizon: 'PP-Bizon',
  nova: 'Nova',
  xm1014: 'XM1014',
  mag7: 'MAG-7',
  sawedoff: 'Sawed-Off',
  m249: 'M249',
  negev: 'Negev',
  hegrenade: 'HE Grenade',
  inferno: 'Molotov',
  molotov: 'Molotov',
  incgrenade: 'Incendiary',
  flashbang: 'Flashbang',
  smokegrenade: 'Smoke',
  decoy: 'Decoy',
  taser: 'Zeus x27',
  knife: 'Knife',
  knife_t: 'Knife',
  bayonet: 'Knife',
  planted_c4: 'C4',
  c4: 'C4',
  world: 'World',
};

/** A weapon's name as players know it (`usp_silencer` is the USP-S). */
export function weaponLabel(weapon: string | null): string {
  if (!weapon) return '';
  const bare = weapon.replace(/^weapon_/, '');
  if (WEAPONS[bare]) return WEAPONS[bare];
  if (bare.startsWith('knife')) return 'Knife';
  return bare.replace(/_/g, ' ');
}

export type ReasonIcon = 'elimination' | 'bomb' | 'defuse' | 'time' | 'other';

const REASONS: Readonly<Record<string, { label: string; icon: ReasonIcon }>> = {
  ct_win: { label: 'CTs eliminated the Ts', icon: 'elimination' },
  t_win: { label: 'Ts eliminated the CTs', icon: 'elimination' },
  target_bombed: { label: 'Bomb exploded', icon: 'bomb' },
  bomb_defused: { label: 'Bomb defused', icon: 'defuse' },
  target_saved: { label: 'Time ran out', icon: 'time' },
  ct_surrender: { label: 'CTs surrendered', icon: 'other' },
  t_surrender: { label: 'Ts surrendered', icon: 'other' },
  draw: { label: 'Draw', icon: 'other' },
  game_commencing: { label: 'Game commencing', icon: 'other' },
};

export function roundReason(reason: string | null): { label: string; icon: ReasonIcon } {
  return (reason && REASONS[reason]) || { label: reason ?? 'in progress', icon: 'other' };
}

const PHASES: Readonly<Record<string, string>> = {
  warmup: 'Warmup',
  knife: 'Knife round',
  live: 'Live',
  paused: 'Paused',
  round_end: 'Round over',
  halftime: 'Halftime',
  overtime: 'Overtime',
  game_over: 'Match over',
};

export function phaseLabel(phase: string | null): string {
  return phase ? (PHASES[phase] ?? phase) : '';
}

const STATUSES: Readonly<Record<string, string>> = {
  live: 'Live',
  warmup: 'Warmup',
  finished: 'Finished',
  abandoned: 'Abandoned',
};

export function statusLabel(status: string): string {
  return STATUSES[status] ?? status;
}

/** `de_nuke` → `Nuke`. */
export function mapLabel(map: string | null): string {
  if (!map) return 'Unknown map';
  const bare = map.replace(/^(de|cs|ar|gd)_/, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

/** A short local time, or a date and time when not today. */
export function timeLabel(epochMs: number, now = Date.now()): string {
  const date = new Date(epochMs);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' }) +
        ` ${date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}
