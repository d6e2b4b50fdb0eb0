// What the plan keeps of a wafer loop: the map, the chosen sites, the visiting order, and each die-site's
// step instances, so the engine's wafer run (wafer-run.ts) can bin a die-site and predict the next.
import type { WaferDie, WaferMap, WaferSiteDef } from './map-types.ts';
import type { WaferOrder } from './order.ts';

/** Bins of a die-site (dies.csv, the known-good-die map, die-finished events). */
export const BINS = { good: 1, noLight: 2, failedLimits: 3, stepError: 4 } as const;
export const BIN_NAMES: Readonly<Record<number, string>> = { 1: 'good', 2: 'no light', 3: 'failed limits', 4: 'step error' };

export interface WaferDieSite {
  /** 'C07R03.A': the key in step ids (`wafer[C07R03.A]/align`); a reprobe's is 'C07R03.A/reprobe1' (`wafer[C07R03.A]/reprobe1/align`). */
  key: string;
  /** The die-site's key in the first pass ('C07R03.A'), the same for its reprobes. */
  siteKey: string;
  /** 1 for the first pass, 2 for the first reprobe pass, ... */
  pass: number;
  die: WaferDie;
  site: WaferSiteDef;
  /** The site's nominal stage position, µm. */
  stage_um: { x: number; y: number };
  /** This die-site's step instances in order, the goto first. */
  stepIds: string[];
}

export interface WaferLoopPlan {
  /** The loop's step-id prefix: 'wafer' (or 'sites[B]/wafer' when nested). */
  loopId: string;
  map: WaferMap;
  sites: string[];
  order: WaferOrder;
  /** Learn the placement and start each alignment at the predicted optimum. */
  predict: boolean;
  /** Bins measured again at the end (marked reprobe); empty without a reprobe pass. */
  reprobeBins: number[];
  /** How many reprobe passes at most (0 without one); a die-site leaves them once its bin is not in reprobeBins. */
  reprobeMax: number;
  stage: string;
  /** Goto fiber height (stage Z), µm; null when the goto moves only X and Y. */
  height_um: number | null;
  /** The stage's Z soft limits (from the bench, when planned against one): a predicted height stays inside them. */
  heightLimits_um?: { min_um: number; max_um: number };
  /** In visiting order: the first pass, then each reprobe pass's candidates (all die-sites, run only when binned so). */
  dieSites: WaferDieSite[];
}

/** Where a planned step stands in a wafer loop. */
export interface WaferStepRef {
  loopId: string;
  key: string;
  /** The die-site's goto (its target is the prediction at run time). */
  goto: boolean;
  /** Set on a reprobe pass's steps: the pass (2 = first reprobe). */
  pass?: number;
}
