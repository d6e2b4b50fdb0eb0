// The wafer benchmark's ground truth and its judgement of a run. A die-site is truly bad when its die gives
// no light, or when its true best loss (sim/world/wafer-site-loss.ts) exceeds the sequence's own peak-loss
// limit: the spec decides what a good die is, as on a real line, not the simulator's label. A "high-loss" die
// (+6 dB on a wafer whose nominal loopback loss is 6–11 dB) can still pass a 14 dB spec, and then binning it
// bad would be the error. Sites whose true loss lies within MARGIN_DB of the limit are listed as marginal: a
// measurement (ripple, fit) may put them either side, so a reader can tell a coin toss from a binning bug.
import type { Plan } from '../../../sequences/plan/plan-types.ts';
import type { WavelengthBand } from '../../../sim/world/wafer-site-loss.ts';

/** How far a measurement may stray from the truth: the facet ripple (≤ ±0.15 dB), the fit, an alignment a little short of the peak (seen on seeds 1–3: −0.09…+0.32 dB). */
export const MARGIN_DB = 0.5;

export interface WaferLimits {
  /** The sweep's `peakLoss_dB` max, dB. */
  peakLossMax_dB: number;
  /** The align's `power_dBm` min, dBm (-Infinity when the sequence has none). */
  powerMin_dBm: number;
  /** The sweep's band, where the true best loss is sought. */
  band: WavelengthBand;
}

/** The limits and the sweep band of a wafer sequence's plan; throws naming what is missing. */
export function waferLimitsOf(plan: Plan): WaferLimits {
  const loss = plan.limits.find((l) => l.measurement === 'peakLoss_dB' && l.max !== undefined);
  if (!loss || loss.max === undefined) throw new Error('wafer benchmark: the sequence has no `peakLoss_dB` max limit to judge bad dies against');
  const power = plan.limits.find((l) => l.measurement === 'power_dBm' && l.min !== undefined);
  const sweep = plan.steps.find((s) => s.kind === 'sweep');
  const p = sweep?.params as { start?: number; stop?: number } | undefined;
  if (p?.start === undefined || p.stop === undefined) throw new Error('wafer benchmark: the sequence has no sweep step with start and stop');
  return { peakLossMax_dB: loss.max, powerMin_dBm: power?.min ?? -Infinity, band: { start_nm: p.start, stop_nm: p.stop } };
}

export interface SiteTruthFacts {
  /** The die gives no light. */
  dead: boolean;
  /** The site's true best loss over the sweep band, dB. */
  bestLoss_dB: number;
}

export type TrueState = 'no light' | 'over the limit' | 'within the limit';

/** What the site truly is under the sequence's limit. */
export function trueState(t: SiteTruthFacts, limits: Pick<WaferLimits, 'peakLossMax_dB'>): TrueState {
  if (t.dead) return 'no light';
  return t.bestLoss_dB > limits.peakLossMax_dB ? 'over the limit' : 'within the limit';
}

export const isTrulyBad = (t: SiteTruthFacts, limits: Pick<WaferLimits, 'peakLossMax_dB'>): boolean => trueState(t, limits) !== 'within the limit';

/** A live site whose true loss is within MARGIN_DB of the limit. */
export const isMarginal = (t: SiteTruthFacts, limits: Pick<WaferLimits, 'peakLossMax_dB'>): boolean =>
  !t.dead && Math.abs(t.bestLoss_dB - limits.peakLossMax_dB) <= MARGIN_DB;

export interface JudgedSite extends SiteTruthFacts {
  key: string;
  /** 1 = good. */
  bin: number;
  peakLoss_dB: number | undefined;
}

export interface BinningJudgement {
  trulyBad: number;
  badBinned: number;
  /** Truly bad, binned good. */
  missed: JudgedSite[];
  /** Truly good, binned bad. */
  goodBinnedBad: JudgedSite[];
  /** Live sites within MARGIN_DB of the limit (whatever their bin). */
  marginal: JudgedSite[];
}

export function judgeBinning(sites: readonly JudgedSite[], limits: Pick<WaferLimits, 'peakLossMax_dB'>): BinningJudgement {
  const bad = sites.filter((s) => isTrulyBad(s, limits));
  return {
    trulyBad: bad.length,
    badBinned: bad.filter((s) => s.bin !== 1).length,
    missed: bad.filter((s) => s.bin === 1),
    goodBinnedBad: sites.filter((s) => !isTrulyBad(s, limits) && s.bin !== 1),
    marginal: sites.filter((s) => isMarginal(s, limits)),
  };
}

/** `C12R14.A true 13.36 dB, measured 13.41 dB, bin 1` for the report. */
export function describeSite(s: JudgedSite): string {
  const truth = s.dead ? 'dead' : `true ${s.bestLoss_dB.toFixed(2)} dB`;
  const measured = s.peakLoss_dB === undefined ? 'no sweep' : `measured ${s.peakLoss_dB.toFixed(2)} dB`;
  return `${s.key} ${truth}, ${measured}, bin ${s.bin}`;
}
