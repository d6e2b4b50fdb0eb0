// Consistency of a sweep's parameters, as a tunable laser checks them before it starts
// (`:WAV:SWE:CHEC?` on the Keysight, a refused start on the Santec). Codes follow the Keysight style:
// 0 = OK, otherwise a positive reason code with its text.
import { expectedTriggers, stepsPerDirection } from '../world/sweep.ts';
import type { SweepPlan } from '../world/sweep.ts';

/** Highest trigger pulse rate the laser's trigger output (and a meter's input) supports, Hz. */
export const MAX_TRIGGER_RATE_HZ = 1e6;
/** Most wavelengths lambda logging can record in one sweep. */
export const MAX_LLOG_POINTS = 1_000_001;

export interface SweepCheck {
  code: number;
  message: string;
}

export const SWEEP_OK: SweepCheck = { code: 0, message: 'OK' };

export function checkSweep(plan: SweepPlan, llog: boolean): SweepCheck {
  if (!(plan.stop_nm > plan.start_nm)) return { code: 368, message: 'End Wavelength must be greater than Start Wavelength' };
  if (plan.step_nm > plan.stop_nm - plan.start_nm) return { code: 369, message: 'Step size larger than the sweep span' };
  if (plan.mode === 'continuous' && plan.speed_nm_s / plan.step_nm > MAX_TRIGGER_RATE_HZ) {
    return { code: 370, message: 'Trigger frequency too high: reduce the speed or increase the step' };
  }
  if (llog) {
    if (plan.mode !== 'continuous') return { code: 372, message: 'Lambda logging requires a continuous sweep' };
    if (plan.trigger !== 'step') return { code: 371, message: 'Lambda logging requires the trigger output set to STF (step finished)' };
    if (expectedTriggers(plan) > MAX_LLOG_POINTS || stepsPerDirection(plan) > MAX_LLOG_POINTS) {
      return { code: 373, message: `Too many lambda logging points (max ${MAX_LLOG_POINTS})` };
    }
  }
  return SWEEP_OK;
}
