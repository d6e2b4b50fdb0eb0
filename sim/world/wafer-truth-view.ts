// What tests and benchmarks may see of the wafer's hidden truth (VirtualBench.truth().wafer,
// VirtualBench.waferTruth()): the placement, and which dies are dead or high-loss. The 1600 sites are
// asked one at a time (VirtualBench.waferSite / waferSiteOptimum), not copied on every snapshot.
import type { WaferModel } from './wafer-model.ts';
import type { WaferDieTruth, WaferPlacementTruth } from './wafer-truth.ts';

export interface WaferTruthSnapshot {
  placement: WaferPlacementTruth;
  dies: WaferDieTruth[];
  /** Names of the dies with no light, e.g. ['C03R11', …]. */
  deadDies: string[];
  /** Names of the dies whose sites lose HIGH_LOSS_EXTRA_DB more. */
  highLossDies: string[];
}

export function waferTruthSnapshot(w: WaferModel): WaferTruthSnapshot {
  const dies = structuredClone(w.truth.dies);
  return {
    placement: structuredClone(w.truth.placement),
    dies,
    deadDies: dies.filter((d) => d.dead).map((d) => d.name),
    highLossDies: dies.filter((d) => d.highLoss).map((d) => d.name),
  };
}
