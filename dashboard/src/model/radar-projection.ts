/**
 * The radar's geometry: the bounding box of every position seen, and the projection that fits
 * it into a canvas with the same scale on both axes (a map must not be stretched). World `y`
 * points north, canvas `y` down, so it is flipped.
 */

export class Bounds {
  minX = Number.POSITIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY;
  maxY = Number.NEGATIVE_INFINITY;

  /** Grows the box to hold the point; true when it grew. */
  include(x: number, y: number): boolean {
    let grew = false;
    if (x < this.minX) [this.minX, grew] = [x, true];
    if (x > this.maxX) [this.maxX, grew] = [x, true];
    if (y < this.minY) [this.minY, grew] = [y, true];
    if (y > this.maxY) [this.maxY, grew] = [y, true];
    return grew;
  }

  get empty(): boolean {
    return this.minX > this.maxX;
  }
}

export interface Projection {
  /** Canvas pixels per world unit. */
  scale: number;
  toCanvas(x: number, y: number): [number, number];
}

/** World units the view always spans, so a few players standing together are not blown up. */
const MIN_SPAN = 800;

/** Fits the box into `width` × `height` pixels, `padding` pixels from each edge, centred. */
export function fitProjection(bounds: Bounds, width: number, height: number, padding: number): Projection {
  const centreX = bounds.empty ? 0 : (bounds.minX + bounds.maxX) / 2;
  const centreY = bounds.empty ? 0 : (bounds.minY + bounds.maxY) / 2;
  const spanX = Math.max(bounds.empty ? 0 : bounds.maxX - bounds.minX, MIN_SPAN);
  const spanY = Math.max(bounds.empty ? 0 : bounds.maxY - bounds.minY, MIN_SPAN);
  const scale = Math.max(Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY), 0);
  return {
    scale,
    toCanvas: (x, y) => [width / 2 + (x - centreX) * scale, height / 2 - (y - centreY) * scale],
  };
}
