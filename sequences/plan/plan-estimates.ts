// The estimates only the plan can make, in run order: a step's estimate_s sees its own parameters alone,
// but the plan knows the stage acceleration earlier set steps chose and where a predicting wafer loop has
// aligned enough die-sites to start the next at its predicted optimum. Steps that offer estimateInPlan are
// estimated again with that context (the align step: the set ramps, no first-light search when predicted).
import type { BenchInfo } from '../step.ts';
import { stageRampOf } from '../steps/set-estimate.ts';
import type { SetParams } from '../steps/set.ts';
import type { WaferLoopPlan } from '../wafer/wafer-plan.ts';
import type { PlannedStep } from './plan-types.ts';

/**
 * Die-sites a predicting loop aligns from scratch before it predicts the next: one gives the offset
 * (placement.ts; the rotation and height plane follow as more are aligned).
 */
export const SITES_BEFORE_PREDICTION = 1;

export function estimateStepsInContext(steps: PlannedStep[], bench: BenchInfo, wafers: readonly WaferLoopPlan[]): void {
  const acceleration: Record<string, number> = {};
  const predicting = new Set(wafers.filter((w) => w.predict).map((w) => w.loopId));
  const sitesOf = new Map<string, Map<string, number>>();
  for (const step of steps) {
    if (step.kind === 'set') {
      for (const a of (step.params as SetParams).actions) {
        const ramp = stageRampOf(a);
        if (ramp?.which === 'acceleration') acceleration[ramp.role] = ramp.value;
      }
      continue;
    }
    let siteIndex = -1;
    if (step.wafer) {
      const sites = sitesOf.get(step.wafer.loopId) ?? new Map<string, number>();
      sitesOf.set(step.wafer.loopId, sites);
      if (!sites.has(step.wafer.key)) sites.set(step.wafer.key, sites.size);
      siteIndex = sites.get(step.wafer.key) as number;
    }
    const def = step.definition;
    // A reprobe pass's steps are estimated at 0 (they may not run): left so.
    if (!def.estimateInPlan || !(step.estimate_s > 0)) continue;
    const predicted = step.wafer !== undefined && predicting.has(step.wafer.loopId) && siteIndex >= SITES_BEFORE_PREDICTION;
    const e = def.estimateInPlan(step.params, bench, { stageAcceleration_um_s2: { ...acceleration }, predicted });
    if (Number.isFinite(e) && e > 0) step.estimate_s = e;
  }
}
