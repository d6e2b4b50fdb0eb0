// A tunable laser's wavelength sweep as a pure schedule: where the wavelength is at any bench time and
// when each output trigger fires. Both laser front ends (Keysight, Santec) build a SweepPlan from their
// own registers and hand it to the shared LaserSource.

export type SweepMode = 'continuous' | 'step';
/** Which events fire the laser's trigger output. */
export type SweepTrigger = 'none' | 'step' | 'start' | 'stop';

export interface SweepPlan {
  mode: SweepMode;
  start_nm: number;
  stop_nm: number;
  step_nm: number;
  speed_nm_s: number;
  /** Step mode: how long the laser sits on each step after arriving, s. */
  dwell_s: number;
  /** Sweep back down after reaching stop (Santec modes 2 and 3). */
  twoWay: boolean;
  cycles: number;
  trigger: SweepTrigger;
}

export interface SweepSchedule {
  start_s: number;
  end_s: number;
  /** One entry per output trigger, chronological. */
  triggerTimes_s: Float64Array;
  /** Nominal wavelength at each step (trigger 'step') — what lambda logging records. */
  stepWavelengths_nm: Float64Array;
}

/** Number of wavelength steps in one direction of a sweep: ⌊span/step⌋ + 1. */
export function stepsPerDirection(plan: Pick<SweepPlan, 'start_nm' | 'stop_nm' | 'step_nm'>): number {
  const span = plan.stop_nm - plan.start_nm;
  if (!(span > 0) || !(plan.step_nm > 0)) return 0;
  return Math.floor(span / plan.step_nm + 1e-9) + 1;
}

/** Number of trigger pulses the sweep will emit. */
export function expectedTriggers(plan: SweepPlan): number {
  const legs = (plan.twoWay ? 2 : 1) * plan.cycles;
  switch (plan.trigger) {
    case 'none':
      return 0;
    case 'start':
    case 'stop':
      return 1;
    case 'step':
      return stepsPerDirection(plan) * legs;
  }
}

/** Duration of one leg (start → stop), s. */
function legDuration_s(plan: SweepPlan): number {
  const n = stepsPerDirection(plan);
  if (plan.mode === 'continuous') return (plan.stop_nm - plan.start_nm) / plan.speed_nm_s;
  return n * plan.dwell_s + (n - 1) * (plan.step_nm / plan.speed_nm_s);
}

export function sweepDuration_s(plan: SweepPlan): number {
  return legDuration_s(plan) * (plan.twoWay ? 2 : 1) * plan.cycles;
}

/** Builds the schedule of a sweep whose motion begins at `start_s`. */
export function scheduleSweep(plan: SweepPlan, start_s: number): SweepSchedule {
  const n = stepsPerDirection(plan);
  const legs = (plan.twoWay ? 2 : 1) * plan.cycles;
  const leg_s = legDuration_s(plan);
  const end_s = start_s + leg_s * legs;
  const stepTimes = new Float64Array(n * legs);
  const stepWl = new Float64Array(n * legs);
  const stride_s = plan.mode === 'continuous' ? plan.step_nm / plan.speed_nm_s : plan.dwell_s + plan.step_nm / plan.speed_nm_s;
  for (let leg = 0; leg < legs; leg++) {
    const down = plan.twoWay && leg % 2 === 1;
    for (let k = 0; k < n; k++) {
      const i = leg * n + k;
      stepTimes[i] = start_s + leg * leg_s + k * stride_s;
      if (!down) stepWl[i] = plan.start_nm + k * plan.step_nm;
      else if (plan.mode === 'continuous') stepWl[i] = plan.stop_nm - k * plan.step_nm;
      else stepWl[i] = plan.start_nm + (n - 1 - k) * plan.step_nm;
    }
  }
  let triggers: Float64Array;
  if (plan.trigger === 'step') triggers = stepTimes;
  else if (plan.trigger === 'start') triggers = Float64Array.of(start_s);
  else if (plan.trigger === 'stop') triggers = Float64Array.of(end_s);
  else triggers = new Float64Array(0);
  return { start_s, end_s, triggerTimes_s: triggers, stepWavelengths_nm: stepWl };
}

/** Nominal wavelength of a running sweep at bench time t (clamped to the sweep's ends outside it). */
export function sweepWavelengthAt_nm(plan: SweepPlan, start_s: number, t_s: number): number {
  const leg_s = legDuration_s(plan);
  const legs = (plan.twoWay ? 2 : 1) * plan.cycles;
  const elapsed = Math.min(Math.max(t_s - start_s, 0), leg_s * legs);
  let leg = Math.floor(elapsed / leg_s);
  if (leg >= legs) leg = legs - 1;
  const inLeg = elapsed - leg * leg_s;
  const down = plan.twoWay && leg % 2 === 1;
  let offset_nm: number;
  if (plan.mode === 'continuous') {
    offset_nm = Math.min(plan.speed_nm_s * inLeg, plan.stop_nm - plan.start_nm);
  } else {
    const stride_s = plan.dwell_s + plan.step_nm / plan.speed_nm_s;
    const k = Math.min(Math.floor(inLeg / stride_s), stepsPerDirection(plan) - 1);
    offset_nm = k * plan.step_nm;
  }
  const span = (stepsPerDirection(plan) - 1) * plan.step_nm;
  if (plan.mode === 'step' && down) return plan.start_nm + span - offset_nm;
  if (down) return plan.stop_nm - offset_nm;
  return plan.start_nm + offset_nm;
}
