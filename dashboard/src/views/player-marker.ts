/**
 * How a player is drawn on a radar, live or replayed: a disc in the side's colour whose lit share
 * is the health left, a line for where they face, and a cross where they died. One drawing for
 * the live radar and the replay, so both read the same.
 */

export const SIDE_COLORS = { CT: '#5fa8f0', T: '#f0b341', unknown: '#a0a8b4' } as const;

export interface PlayerMarker {
  x: number;
  y: number;
  color: string;
  alive: boolean;
  /** Degrees, counter-clockwise from +x (the canvas' y points down); null when not known. */
  yaw: number | null;
  health: number | null;
  /** Canvas pixels per CSS pixel. */
  ratio: number;
  /** Disc radius in CSS pixels. */
  radius?: number;
}

export function drawPlayerMarker(context: CanvasRenderingContext2D, marker: PlayerMarker): void {
  const { x, y, color, ratio } = marker;
  const radius = (marker.radius ?? 6.5) * ratio;
  if (!marker.alive) {
    context.strokeStyle = color;
    context.globalAlpha = 0.6;
    context.lineWidth = 2 * ratio;
    const arm = radius * 0.7;
    context.beginPath();
    context.moveTo(x - arm, y - arm);
    context.lineTo(x + arm, y + arm);
    context.moveTo(x + arm, y - arm);
    context.lineTo(x - arm, y + arm);
    context.stroke();
    context.globalAlpha = 1;
    return;
  }
  if (marker.yaw !== null) {
    const angle = (marker.yaw * Math.PI) / 180;
    context.strokeStyle = color;
    context.lineWidth = 2 * ratio;
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + Math.cos(angle) * radius * 2.1, y - Math.sin(angle) * radius * 2.1);
    context.stroke();
  }
  // The disc is a health pie: the lit share is the health left.
  const health = marker.health === null ? 100 : Math.max(0, Math.min(100, marker.health));
  context.fillStyle = color;
  if (health < 100) {
    context.globalAlpha = 0.3;
    context.beginPath();
    context.arc(x, y, radius, 0, Math.PI * 2);
    context.fill();
    context.globalAlpha = 1;
  }
  context.beginPath();
  context.moveTo(x, y);
  context.arc(x, y, radius, -Math.PI / 2, -Math.PI / 2 + (2 * Math.PI * health) / 100);
  context.closePath();
  context.fill();
  context.strokeStyle = '#0d1014';
  context.lineWidth = 1.5 * ratio;
  context.beginPath();
  context.arc(x, y, radius, 0, Math.PI * 2);
  context.stroke();
}
