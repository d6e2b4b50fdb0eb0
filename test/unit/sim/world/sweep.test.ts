import { describe, expect, it } from 'vitest';
import { SWEEP_DECELERATION_NM_S2, expectedTriggers, runOut_s, scheduleSweep, stepsPerDirection, sweepDuration_s, sweepWavelengthAt_nm } from '../../../../sim/world/sweep.ts';
import type { SweepPlan } from '../../../../sim/world/sweep.ts';

const base: SweepPlan = { mode: 'continuous', start_nm: 1500, stop_nm: 1510, step_nm: 1, speed_nm_s: 5, dwell_s: 0.1, twoWay: false, cycles: 1, trigger: 'step' };

describe('sweep schedules', () => {
  it('counts steps and triggers per trigger mode', () => {
    expect(stepsPerDirection(base)).toBe(11);
    expect(stepsPerDirection({ ...base, step_nm: 3 })).toBe(4);
    expect(stepsPerDirection({ ...base, stop_nm: 1500 })).toBe(0);
    expect(expectedTriggers(base)).toBe(11);
    expect(expectedTriggers({ ...base, twoWay: true })).toBe(22);
    expect(expectedTriggers({ ...base, trigger: 'start' })).toBe(1);
    expect(expectedTriggers({ ...base, trigger: 'none' })).toBe(0);
  });

  it('continuous: the wavelength moves at speed and triggers fall on each step', () => {
    const s = scheduleSweep(base, 10);
    expect(s.motionEnd_s).toBeCloseTo(12, 12);
    expect(Array.from(s.triggerTimes_s.slice(0, 3))).toEqual([10, 10.2, 10.4]);
    expect(s.triggerTimes_s.at(-1)).toBeCloseTo(12, 12);
    expect(sweepWavelengthAt_nm(base, 10, 11)).toBeCloseTo(1505, 12);
    expect(sweepWavelengthAt_nm(base, 10, 12)).toBeCloseTo(1510, 12);
  });

  it('continuous: after the stop wavelength the laser runs out, braking, and comes to rest beyond it', () => {
    const s = scheduleSweep(base, 10);
    const brake_s = 5 / SWEEP_DECELERATION_NM_S2;
    expect(runOut_s(base)).toBeCloseTo(brake_s, 15);
    expect(s.end_s).toBeCloseTo(12 + brake_s, 12);
    expect(sweepDuration_s(base)).toBeCloseTo(2 + brake_s, 12);
    // Just past the stop it still moves at almost the sweep speed (what the last trigger's sample sees)...
    const dt = brake_s / 100;
    expect((sweepWavelengthAt_nm(base, 10, 12 + dt) - 1510) / dt).toBeCloseTo(5, 1);
    // ...then rests v²/2a beyond it.
    const rest_nm = 1510 + 25 / (2 * SWEEP_DECELERATION_NM_S2);
    expect(sweepWavelengthAt_nm(base, 10, 12 + brake_s)).toBeCloseTo(rest_nm, 12);
    expect(sweepWavelengthAt_nm(base, 10, 99)).toBeCloseTo(rest_nm, 12);
    // A faster sweep runs out further; a step sweep stops on its last step.
    expect(runOut_s({ ...base, speed_nm_s: 200 })).toBeCloseTo(200 / SWEEP_DECELERATION_NM_S2, 15);
    expect(runOut_s({ ...base, mode: 'step' })).toBe(0);
  });

  it('step mode: holds each step for the dwell, triggers on arrival', () => {
    const plan: SweepPlan = { ...base, mode: 'step' };
    const s = scheduleSweep(plan, 0);
    // each stride = dwell 0.1 s + 1 nm / 5 nm/s
    expect(s.triggerTimes_s[1]).toBeCloseTo(0.3, 12);
    expect(s.end_s).toBeCloseTo(10 * 0.3 + 0.1, 12);
    expect(sweepWavelengthAt_nm(plan, 0, 0.35)).toBe(1501);
    expect(sweepWavelengthAt_nm(plan, 0, 0.29)).toBe(1500);
  });

  it('two-way: comes back down with triggers on the way', () => {
    const plan: SweepPlan = { ...base, twoWay: true };
    const s = scheduleSweep(plan, 0);
    expect(s.motionEnd_s).toBeCloseTo(4, 12);
    expect(sweepWavelengthAt_nm(plan, 0, 3)).toBeCloseTo(1505, 12);
    // The run-out of the way back goes below the start wavelength.
    expect(sweepWavelengthAt_nm(plan, 0, 10)).toBeCloseTo(1500 - 25 / (2 * SWEEP_DECELERATION_NM_S2), 12);
    expect(s.stepWavelengths_nm[11]).toBe(1510);
    expect(s.stepWavelengths_nm[21]).toBe(1500);
  });

  it('start/stop triggers give a single pulse at the start or the end', () => {
    expect(Array.from(scheduleSweep({ ...base, trigger: 'start' }, 1).triggerTimes_s)).toEqual([1]);
    // The stop pulse fires when the stop wavelength is reached, before the run-out.
    expect(Array.from(scheduleSweep({ ...base, trigger: 'stop' }, 1).triggerTimes_s)).toEqual([3]);
  });
});
