/**
 * Where a map's radar image sits in the world: CS2's overview description of each competitive
 * map (`resource/overviews/<map>.txt`), as `../shared/reference/map-overviews.md` lists it. A
 * radar image is 1024 × 1024 pixels; its top-left corner is at world (`posX`, `posY`) and each
 * pixel spans `scale` world units. Two maps have a second, lower level drawn on its own image.
 *
 *     pixel_x = (world_x - posX) / scale
 *     pixel_y = (posY - world_y) / scale      (the image's y axis points down)
 */

export interface MapOverview {
  map: string;
  posX: number;
  posY: number;
  scale: number;
  /** Positions below this height are on the lower level (its own image), when the map has one. */
  lowerBelowZ: number | null;
}

/** Pixels on each side of a radar image. */
export const RADAR_PIXELS = 1024;

const OVERVIEWS: readonly MapOverview[] = [
  { map: 'de_ancient', posX: -2953, posY: 2164, scale: 5.0, lowerBelowZ: null },
  { map: 'de_anubis', posX: -2796, posY: 3328, scale: 5.22, lowerBelowZ: null },
  { map: 'de_dust2', posX: -2476, posY: 3239, scale: 4.4, lowerBelowZ: null },
  { map: 'de_inferno', posX: -2087, posY: 3870, scale: 4.9, lowerBelowZ: null },
  { map: 'de_mirage', posX: -3230, posY: 1713, scale: 5.0, lowerBelowZ: null },
  { map: 'de_nuke', posX: -3453, posY: 2887, scale: 7.0, lowerBelowZ: -495 },
  { map: 'de_overpass', posX: -4831, posY: 1781, scale: 5.2, lowerBelowZ: null },
  { map: 'de_train', posX: -2477, posY: 2392, scale: 4.7, lowerBelowZ: null },
  { map: 'de_vertigo', posX: -3168, posY: 1762, scale: 4.0, lowerBelowZ: 11700 },
];

/** The calibration of a map by its name (`de_nuke`, or a workshop path ending in it), or null. */
export function mapOverview(map: string | null | undefined): MapOverview | null {
  if (!map) return null;
  const name = map.toLowerCase().split('/').at(-1) ?? '';
  return OVERVIEWS.find((overview) => overview.map === name) ?? null;
}

/** A world position in radar-image pixels (0…1024 on the map's square). */
export function toRadarPixels(overview: MapOverview, x: number, y: number): [number, number] {
  return [(x - overview.posX) / overview.scale, (overview.posY - y) / overview.scale];
}

/** Which level of the map a height is on: 'lower' only for maps with two levels. */
export function levelOf(overview: MapOverview | null, z: number | null): 'upper' | 'lower' {
  if (!overview || overview.lowerBelowZ === null || z === null) return 'upper';
  return z < overview.lowerBelowZ ? 'lower' : 'upper';
}
