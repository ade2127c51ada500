/** Round end icons, drawn inline (16 × 16, current colour): no image files, no icon font. */
import { s } from '../dom.ts';
import type { ReasonIcon } from './labels.ts';

const stroke = { fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'stroke-linecap': 'round' };

function shapes(icon: ReasonIcon): SVGElement[] {
  switch (icon) {
    case 'elimination':
      // A skull: the eyes are holes in the head (even-odd fill).
      return [
        s('path', {
          'fill-rule': 'evenodd',
          d: 'M8 1.5a5.5 5.5 0 0 0-5.5 5.5c0 1.9.9 3.2 2 4v3h7v-3c1.1-.8 2-2.1 2-4A5.5 5.5 0 0 0 8 1.5zM5.9 6.1a1.4 1.4 0 1 0 0 2.8a1.4 1.4 0 1 0 0-2.8zM10.1 6.1a1.4 1.4 0 1 0 0 2.8a1.4 1.4 0 1 0 0-2.8z',
        }),
      ];
    case 'bomb':
      return [
        s('circle', { cx: 7, cy: 9.5, r: 5 }),
        s('path', { ...stroke, d: 'M10.2 5.6l2.3-2.3' }),
        s('circle', { cx: 13.4, cy: 2.4, r: 1.2 }),
      ];
    case 'defuse':
      // Wire cutters.
      return [
        s('circle', { ...stroke, cx: 4.5, cy: 12, r: 2.2 }),
        s('circle', { ...stroke, cx: 11.5, cy: 12, r: 2.2 }),
        s('path', { ...stroke, d: 'M5.8 10.2L11 2M10.2 10.2L5 2' }),
      ];
    case 'time':
      return [
        s('circle', { ...stroke, cx: 8, cy: 8, r: 6.3 }),
        s('path', { ...stroke, d: 'M8 4.3V8l2.6 1.7' }),
      ];
    case 'other':
      return [s('path', { ...stroke, d: 'M3.5 1.5v13' }), s('path', { d: 'M4.2 2h8.8l-2 3 2 3H4.2z' })];
    default: {
      const unknown: never = icon;
      throw new TypeError(`no icon ${String(unknown)}`);
    }
  }
}

export function reasonIcon(icon: ReasonIcon, title: string): SVGElement {
  return s(
    'svg',
    {
      class: 'icon',
      viewBox: '0 0 16 16',
      width: 16,
      height: 16,
      fill: 'currentColor',
      role: 'img',
      'aria-label': title,
    },
    s('title', {}, title),
    shapes(icon),
  );
}
