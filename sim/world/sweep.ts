// A tunable laser's wavelength sweep as a pure schedule: where the wavelength is at any bench time and
// when each output trigger fires. Both laser front ends (Keysight, Santec) build a SweepPlan from their
// own registers and hand it to the shared LaserSource.
//
// A continuous sweep holds its speed all the way to the last leg's end wavelength and then brakes to rest
// beyond it (the run-out), as a real mechanically tuned laser must: the Santec TSL-570 says so by narrowing
// the sweepable range at high speeds (`:WAV:SWE:RANG:MIN?/MAX?`), and a Keysight N777x/816x lambda log
// holds a valid sample at the stop wavelength, whose meter window lies after it. So a meter sample
// triggered at the last step sees the swept light near the stop wavelength, never the laser's way back.

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

/** How hard the tuning mechanism brakes after a continuous sweep's last leg, nm/s². */
export const SWEEP_DECELERATION_NM_S2 = 5000;

export interface SweepSchedule {
  start_s: number;
  /** The last leg reaches its end wavelength (the 'stop' trigger fires here). */
  motionEnd_s: number;
  /** The sweep is over: the run-out has braked the laser to rest (equal to motionEnd_s for step sweeps). */
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

/** Time a continuous sweep takes to brake from its speed to rest after the last leg, s (0 for step sweeps). */
export function runOut_s(plan: Pick<SweepPlan, 'mode' | 'speed_nm_s'>): number {
  return plan.mode === 'continuous' ? plan.speed_nm_s / SWEEP_DECELERATION_NM_S2 : 0;
}

/** From the start of the motion to rest: every leg, then the run-out. */
export function sweepDuration_s(plan: SweepPlan): number {
  return legDuration_s(plan) * (plan.twoWay ? 2 : 1) * plan.cycles + runOut_s(plan);
}

/** Builds the schedule of a sweep whose motion begins at `start_s`. */
export function scheduleSweep(plan: SweepPlan, start_s: number): SweepSchedule {
  const n = stepsPerDirection(plan);
  const legs = (plan.twoWay ? 2 : 1) * plan.cycles;
  const leg_s = legDuration_s(plan);
  const motionEnd_s = start_s + leg_s * legs;
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
  else if (plan.trigger === 'stop') triggers = Float64Array.of(motionEnd_s);
  else triggers = new Float64Array(0);
  return { start_s, motionEnd_s, end_s: motionEnd_s + runOut_s(plan), triggerTimes_s: triggers, stepWavelengths_nm: stepWl };
}

/**
 * Nominal wavelength of a sweep whose motion began at `start_s`, at bench time t: on its legs, then in the
 * run-out past the last leg's end (braking at SWEEP_DECELERATION_NM_S2), then at rest where the run-out ended.
 * Before the start it is the start wavelength.
 */
export function sweepWavelengthAt_nm(plan: SweepPlan, start_s: number, t_s: number): number {
  const leg_s = legDuration_s(plan);
  const legs = (plan.twoWay ? 2 : 1) * plan.cycles;
  const motion_s = leg_s * legs;
  const elapsed = Math.max(t_s - start_s, 0);
  if (elapsed > motion_s) return legEnd_nm(plan, legs - 1) + runOutDistance_nm(plan, elapsed - motion_s) * legSign(plan, legs - 1);
  let leg = Math.floor(elapsed / leg_s);
  if (leg >= legs) leg = legs - 1;
  const inLeg = elapsed - leg * leg_s;
  const down = legSign(plan, leg) < 0;
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

/** +1 for a leg sweeping up, −1 for the way back of a two-way sweep. */
function legSign(plan: SweepPlan, leg: number): number {
  return plan.twoWay && leg % 2 === 1 ? -1 : 1;
}

/** Where a leg ends: the stop wavelength going up (a step sweep's last step), the start going down. */
function legEnd_nm(plan: SweepPlan, leg: number): number {
  if (legSign(plan, leg) < 0) return plan.start_nm;
  return plan.mode === 'continuous' ? plan.stop_nm : plan.start_nm + (stepsPerDirection(plan) - 1) * plan.step_nm;
}

/** How far past the end the laser has run out `tau_s` after it, nm (uniform braking from sweep speed). */
function runOutDistance_nm(plan: SweepPlan, tau_s: number): number {
  const brake_s = runOut_s(plan);
  const t = Math.min(tau_s, brake_s);
  return plan.speed_nm_s * t - 0.5 * SWEEP_DECELERATION_NM_S2 * t * t;
}
