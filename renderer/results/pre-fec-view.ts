// What a waterfall plot shows of a `mode: pre-fec` run, from the step's 'pre-fec' fit record: the pre-FEC
// threshold (a horizontal line), the sensitivity where the waterfall crosses it with its interval (a bar on
// the line), and the post-FEC check's verdict.
import type { FitRecord } from '../api/types.ts';

export interface PreFecView {
  threshold: number;
  sensitivity_dBm: number | null;
  low_dBm: number | null;
  high_dBm: number | null;
  confidence: number;
  /** null: no post-FEC check was made (no fit, or not yet). */
  pass: boolean | null;
  codewords: number | null;
  uncorrectable: number | null;
  postFecBerUpper: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function preFecView(fit: FitRecord | undefined): PreFecView | null {
  const x = fit?.extra;
  const threshold = num(x?.['threshold']);
  if (!fit || !x || threshold === null || !(threshold > 0 && threshold < 0.5)) return null;
  return {
    threshold,
    sensitivity_dBm: num(fit.parameters['sensitivity_dBm']?.value),
    low_dBm: num(x['intervalLow_dBm']),
    high_dBm: num(x['intervalHigh_dBm']),
    confidence: num(x['confidence']) ?? 0.95,
    pass: typeof x['postFecPass'] === 'boolean' ? x['postFecPass'] : null,
    codewords: num(x['postFecCodewords']),
    uncorrectable: num(x['postFecUncorrectable']),
    postFecBerUpper: num(x['postFecBerUpper']),
  };
}

/** The threshold as a line across the plotted powers: two points on the main data's x. */
export function thresholdLine(v: PreFecView, xs: readonly number[]): { x: number[]; y: number[] } {
  const finite = xs.filter(Number.isFinite);
  if (finite.length === 0) return { x: [], y: [] };
  const lo = Math.min(...finite), hi = Math.max(...finite);
  return { x: [lo, hi], y: [v.threshold, v.threshold] };
}
