/** Percentile of a sample (nearest rank); NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. `>= 30000` or `<= 50`; absent for figures without a target. */
  target?: { op: '>=' | '<='; value: number };
}

export function passes(figure: Figure): boolean | null {
  if (!figure.target) return null;
  return figure.target.op === '>='
    ? figure.value >= figure.target.value
    : figure.value <= figure.target.value;
}

export function formatFigure(figure: Figure): string {
  const value = Number.isInteger(figure.value)
    ? figure.value.toLocaleString('en-US')
    : figure.value.toFixed(2);
  const verdict = passes(figure);
  const target = figure.target
    ? `  (target ${figure.target.op} ${figure.target.value.toLocaleString('en-US')} ${figure.unit})`
    : '';
  const mark = verdict === null ? '    ' : verdict ? 'PASS' : 'FAIL';
  return `${mark}  ${figure.name.padEnd(48)} ${value.padStart(14)} ${figure.unit}${target}`;
}
