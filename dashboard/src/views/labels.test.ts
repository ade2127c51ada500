import { describe, expect, it } from 'vitest';
import { mapLabel, roundReason, weaponLabel } from './labels.ts';

describe('labels', () => {
  it('names weapons as players know them', () => {
    // Act
    const names = ['usp_silencer', 'weapon_ak47', 'm4a1', 'knife_karambit', 'some_new_gun', null].map(
      weaponLabel,
    );

    // Assess
    expect(names).toEqual(['USP-S', 'AK-47', 'M4A4', 'Knife', 'some new gun', '']);
  });

  it('gives every round end reason of the catalog a label and an icon', () => {
    // Prepare
    const reasons = ['target_bombed', 'bomb_defused', 'ct_win', 't_win', 'target_saved', 'draw'];

    // Act
    const icons = reasons.map((reason) => roundReason(reason).icon);

    // Assess
    expect(icons).toEqual(['bomb', 'defuse', 'elimination', 'elimination', 'time', 'other']);
    expect(roundReason(null).label).toBe('in progress');
    expect(mapLabel('de_nuke')).toBe('Nuke');
  });
});
