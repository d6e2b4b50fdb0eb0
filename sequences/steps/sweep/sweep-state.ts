// What a sweep keeps across a resume (journalled with ctx.saveState): the loss at each recorded point, so
// a step sweep's fit can include the points taken before the interruption and a resumed sweep of either
// mode can check that the bench still measures what it measured then. JSON has no Infinity or NaN, so
// points without a finite loss are kept as words.
export type SavedLoss = number | 'dark' | 'over';

export interface SweepState {
  kind: 'sweep';
  mode: 'step' | 'continuous';
  /** Loss per point in recording order, rounded to 0.1 mdB. */
  losses: SavedLoss[];
}

export function encodeLoss(loss_dB: number): SavedLoss {
  if (Number.isNaN(loss_dB)) return 'over';
  return Number.isFinite(loss_dB) ? Math.round(loss_dB * 1e4) / 1e4 : 'dark';
}

export function decodeLoss(v: SavedLoss): number {
  return v === 'over' ? NaN : v === 'dark' ? Infinity : v;
}

export function isSweepState(s: unknown, mode: SweepState['mode']): s is SweepState {
  return typeof s === 'object' && s !== null && (s as SweepState).kind === 'sweep' && (s as SweepState).mode === mode &&
    Array.isArray((s as SweepState).losses);
}
