import { describe, expect, it } from 'vitest';
import { LaserInterlockError, LaserSource } from '../../../../sim/world/laser-source.ts';
import { SWEEP_DECELERATION_NM_S2 } from '../../../../sim/world/sweep.ts';
import type { SweepPlan } from '../../../../sim/world/sweep.ts';
import { TriggerLine } from '../../../../sim/world/trigger-line.ts';

const OFFSETS = { wavelengthOffset_pm: 3, powerOffset_dB: 0.05 };

function laser(): { src: LaserSource; line: TriggerLine } {
  const line = new TriggerLine();
  return { src: new LaserSource(OFFSETS, line, () => 0), line };
}

const PLAN: SweepPlan = {
  mode: 'continuous',
  start_nm: 1540,
  stop_nm: 1560,
  step_nm: 0.5,
  speed_nm_s: 10,
  dwell_s: 0,
  twoWay: false,
  cycles: 1,
  trigger: 'step',
};

describe('LaserSource', () => {
  it('emits set + offset: wavelength a few pm off, power ≤ 0.1 dB off, nothing when off', () => {
    const { src } = laser();
    src.setWavelength(1550, 0);
    src.setPower(3, 0);
    expect(src.powerAt_W(1)).toBe(0);
    src.setOutput(true, 1);
    expect(src.wavelengthAt_nm(2)).toBeCloseTo(1550.003, 9);
    expect(10 * Math.log10(src.powerAt_W(2) * 1e3)).toBeCloseTo(3.05, 9);
    expect(src.monitoredPower_dBm(2)).toBe(3);
  });

  it('settles a wavelength change within 10–50 ms, ramping meanwhile, and remembers the past', () => {
    const { src } = laser();
    src.setWavelength(1550, 0);
    const settled = src.setWavelength(1560, 1);
    expect(settled - 1).toBeGreaterThanOrEqual(0.01);
    expect(settled - 1).toBeLessThanOrEqual(0.05);
    const mid = src.wavelengthAt_nm(1 + (settled - 1) / 2);
    expect(mid).toBeGreaterThan(1550.003);
    expect(mid).toBeLessThan(1560.003);
    expect(src.wavelengthAt_nm(settled)).toBeCloseTo(1560.003, 9);
    expect(src.wavelengthAt_nm(0.5)).toBeCloseTo(1550.003, 9); // the past is still the past
  });

  it('sweeps continuously: prepares, sweeps at speed, fires one trigger per step, runs out, then rests at the start', () => {
    const { src, line } = laser();
    src.setWavelength(1530, 0);
    src.setOutput(true, 0);
    src.startSweep(PLAN, 1, { llog: true, waitForSoftTrigger: false });
    expect(src.sweepState(1)).toBe('preparing');
    const pulses = line.pulsesFrom(0, 1000);
    expect(pulses).toHaveLength(41);
    const t0 = pulses[0]!;
    expect(t0).toBeGreaterThan(1);
    // Preparation is the move to the start wavelength.
    expect(src.wavelengthAt_nm((1 + t0) / 2)).toBeGreaterThan(1530.003);
    expect(src.wavelengthAt_nm(t0)).toBeCloseTo(1540.003, 9);
    expect(pulses[40]! - t0).toBeCloseTo(2, 9); // 20 nm at 10 nm/s
    expect(src.sweepState(t0 + 1)).toBe('running');
    expect(src.wavelengthAt_nm(t0 + 1)).toBeCloseTo(1550.003, 9);
    const brake_s = 10 / SWEEP_DECELERATION_NM_S2;
    expect(src.sweepDoneAt_s(t0)).toBeCloseTo(t0 + 2 + brake_s, 9);
    // Every trigger's sample window after the last pulse sees the swept light: the run-out, then 50 ms at rest.
    for (const dt of [0, 0.0005, 0.001, 0.01, 0.05]) expect(src.wavelengthAt_nm(pulses[40]! + dt)).toBeGreaterThanOrEqual(1560.003 - 1e-9);
    expect(src.sweepState(t0 + 2 + brake_s + 0.001)).toBe('idle');
    // Then it moves back to the start wavelength and stays there: its static setting now.
    expect(src.settledAt_s()).toBeGreaterThan(t0 + 2 + brake_s + 0.2);
    expect(src.wavelengthAt_nm(src.settledAt_s())).toBeCloseTo(1540.003, 9);
    expect(src.wavelengthAt_nm(t0 + 10)).toBeCloseTo(1540.003, 9);
    expect(src.wavelengthSetting_nm).toBe(1540);
    const log = src.lambdaLog(t0 + 3);
    expect(log?.length).toBe(41);
    expect(log?.[10]).toBeCloseTo(1545, 9);
  });

  it('a wavelength set after a sweep replaces its way back; one set during it stops it there', () => {
    const { src } = laser();
    src.setOutput(true, 0);
    src.startSweep(PLAN, 0, { llog: false, waitForSoftTrigger: false });
    const end = src.sweepDoneAt_s(0)!;
    const settled = src.setWavelength(1555, end + 0.001);
    expect(src.settledAt_s()).toBe(settled);
    expect(src.wavelengthAt_nm(settled)).toBeCloseTo(1555.003, 9);
    src.startSweep(PLAN, 10, { llog: false, waitForSoftTrigger: false });
    const mid = src.nextFlagEvent_s(10)! + 1; // 1 s into the motion: 1550 nm
    src.setWavelength(1545, mid);
    expect(src.sweepState(mid)).toBe('idle');
    expect(src.wavelengthAt_nm(mid)).toBeCloseTo(1550.003, 9);
    expect(src.wavelengthAt_nm(mid + 1)).toBeCloseTo(1545.003, 9);
  });

  it('keeps each front end\'s lambda log to itself', () => {
    const { src } = laser();
    src.setOutput(true, 0);
    src.startSweep(PLAN, 0, { llog: true, waitForSoftTrigger: false, logOwner: 'laser-santec' });
    const end = src.sweepDoneAt_s(0)!;
    expect(src.lambdaLog(end, 'laser')).toBeNull();
    expect(src.lambdaLog(end, 'laser-santec')).toHaveLength(41);
  });

  it('counts the sweep flag: odd once armed, even when done; a soft-trigger sweep waits at odd', () => {
    const { src } = laser();
    src.setOutput(true, 0);
    expect(src.sweepFlag(0)).toBe(0);
    src.startSweep(PLAN, 0, { llog: false, waitForSoftTrigger: true });
    const ready = src.nextFlagEvent_s(0)!;
    expect(src.sweepFlag(ready)).toBe(1);
    expect(src.sweepState(ready + 10)).toBe('waiting-trigger');
    expect(src.sweepDoneAt_s(ready)).toBeNull();
    expect(src.nextFlagEvent_s(ready)).toBeNull();
    expect(src.softTrigger(ready + 1)).toBe(true);
    const end = src.nextFlagEvent_s(ready + 1)!;
    expect(end).toBeCloseTo(ready + 3 + 10 / SWEEP_DECELERATION_NM_S2, 9);
    expect(src.sweepFlag(end)).toBe(2);
    src.startSweep(PLAN, end + 1, { llog: false, waitForSoftTrigger: false });
    expect(src.sweepFlag(end + 1)).toBe(2);
    expect(src.sweepFlag(end + 10)).toBe(4);
  });

  it('stops a sweep early: no later triggers, no lambda log, state idle', () => {
    const { src, line } = laser();
    src.setOutput(true, 0);
    src.startSweep(PLAN, 0, { llog: true, waitForSoftTrigger: false });
    const t0 = line.pulsesFrom(0, 1)[0]!;
    src.stopSweep(t0 + 0.5);
    expect(line.pulsesFrom(0, 1000)).toHaveLength(11);
    expect(src.sweepState(t0 + 0.6)).toBe('idle');
    expect(src.lambdaLog(t0 + 5)).toBeNull();
  });

  it('interlock: output off at once, sweep aborted, on refused until reset, then still off', () => {
    const { src } = laser();
    let heard = -1;
    src.onInterlockTrip((t) => (heard = t));
    src.setOutput(true, 0);
    src.startSweep(PLAN, 0, { llog: false, waitForSoftTrigger: false });
    src.tripInterlock(0.5);
    expect(heard).toBe(0.5);
    expect(src.powerAt_W(0.6)).toBe(0);
    expect(src.powerAt_W(0.4)).toBeGreaterThan(0);
    expect(src.sweepState(0.6)).toBe('idle');
    expect(() => src.setOutput(true, 1)).toThrow(LaserInterlockError);
    expect(() => src.startSweep(PLAN, 1, { llog: false, waitForSoftTrigger: false })).toThrow(/interlock is open/);
    src.resetInterlock(2);
    expect(src.outputOn).toBe(false);
    src.setOutput(true, 3);
    expect(src.powerAt_W(3)).toBeGreaterThan(0);
  });
});
