/** What the browser tests read off a radar canvas: how many pixels are in each side's colour. */
import type { Locator } from 'playwright-core';

/** Pixels within `tolerance` of the CT blue (#5fa8f0) and the T orange (#f0b341) per channel. */
export function sideColourPixels(canvas: Locator, tolerance: number): Promise<{ ct: number; t: number }> {
  return canvas.evaluate((element: HTMLCanvasElement, near: number) => {
    const context = element.getContext('2d');
    if (!context) return { ct: 0, t: 0 };
    const { data } = context.getImageData(0, 0, element.width, element.height);
    let ct = 0;
    let t = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.abs(r - 0x5f) < near && Math.abs(g - 0xa8) < near && Math.abs(b - 0xf0) < near) ct += 1;
      if (Math.abs(r - 0xf0) < near && Math.abs(g - 0xb3) < near && Math.abs(b - 0x41) < near) t += 1;
    }
    return { ct, t };
  }, tolerance);
}
