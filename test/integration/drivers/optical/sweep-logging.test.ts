// A continuous laser sweep clocking the power meter's log through the trigger cable: matched wavelength
// and power arrays that trace the chip's grating-coupler spectrum. In-process and over TCP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import type { KeysightN774xMeter } from '../../../../drivers/instruments/keysight-n774x.ts';
import { keysightN776xDescriptor } from '../../../../drivers/instruments/keysight-n776x.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { santecTslDescriptor } from '../../../../drivers/instruments/santec-tsl.ts';
import { SessionClosedError } from '../../../../drivers/errors.ts';
import { WaitTimeoutError } from '../../../../drivers/properties/wait.ts';
import type { SweepConfig, TunableLaser } from '../../../../drivers/roles/tunable-laser.ts';
import { LINKS, simFixture } from './sim-fixture.ts';
import type { SimFixture } from './sim-fixture.ts';

const SWEEP: SweepConfig = { start_nm: 1500, stop_nm: 1600, step_nm: 0.1, speed_nm_s: 20, mode: 'continuous', logWavelengths: true, triggerOutput: 'step' };

/** Where the loopback's two gratings together transmit most: the 1/bw²-weighted mean of their centres. */
function loopbackCentre_nm(f: SimFixture): number {
  const site = f.bench.truth().optical.sites[0];
  if (!site) throw new Error('no site 0');
  const w = [site.couplerIn, site.couplerOut].map((c) => ({ c: c.centre_nm, k: 1 / c.bandwidth1dB_nm ** 2 }));
  return w.reduce((s, x) => s + x.c * x.k, 0) / w.reduce((s, x) => s + x.k, 0);
}

async function sweepWithLog(laser: TunableLaser, meter: KeysightN774xMeter, config: SweepConfig): Promise<{ wl: number[]; p_W: number[] }> {
  await laser.configureSweep(config);
  expect(await laser.checkSweep()).toEqual({ ok: true });
  const samples = await laser.expectedTriggers();
  expect(samples).toBe(1001);
  await meter.setWavelength_nm(1, 1550);
  await meter.startLogging({ channel: 1, samples, averagingTime_s: 1e-4, trigger: 'single' });
  expect(await meter.loggingState(1)).toBe('running');
  await laser.startSweep();
  await laser.waitSweep(120);
  expect(await laser.sweepRunning()).toBe(false);
  await meter.waitLogging(1, 120);
  return { wl: await laser.fetchWavelengthLog_nm(), p_W: await meter.fetchLog_W(1) };
}

function argmax(xs: readonly number[]): number {
  return xs.reduce((best, x, i) => (x > (xs[best] as number) ? i : best), 0);
}

describe.each(LINKS)('continuous sweep with meter logging (%s)', (link) => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await simFixture(link, { seed: 11 });
    await f.align();
    const voa = await f.open(keysightN776xDescriptor, 'voa');
    await voa.setAttenuation_dB(0);
    await voa.setOutput(true);
  });
  afterEach(async () => {
    await f.close();
  });

  it('Keysight laser: one logged power per logged wavelength, tracing the grating spectrum', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    await laser.setPower_dBm(0);
    await laser.setOutput(true);
    const { wl, p_W } = await sweepWithLog(laser, meter, SWEEP);

    expect(wl).toHaveLength(1001);
    expect(p_W).toHaveLength(1001);
    // The lambda log is the real wavelength at each trigger: the nominal grid within the laser's few pm.
    wl.forEach((nm, i) => expect(Math.abs(nm - (1500 + 0.1 * i))).toBeLessThan(0.01));
    for (const p of p_W) expect(p).toBeGreaterThan(0);

    const peak = argmax(p_W);
    const peak_nm = wl[peak] as number;
    expect(Math.abs(peak_nm - loopbackCentre_nm(f))).toBeLessThan(2);
    // The spectrum falls off on both sides of the peak, to the last sample: the laser runs out past the
    // stop wavelength at speed, as a real one does, so the last averaging window still sees the sweep.
    const peak_dBm = 10 * Math.log10(p_W[peak] as number) + 30;
    expect(10 * Math.log10(p_W[0] as number) + 30).toBeLessThan(peak_dBm - 10);
    expect(10 * Math.log10(p_W.at(-1) as number) + 30).toBeLessThan(peak_dBm - 10);
    expect(10 * Math.log10(p_W.at(-1) as number) + 30).toBeCloseTo(10 * Math.log10(p_W.at(-2) as number) + 30, 0);
    // After the sweep the laser rests at its start wavelength, not where it was before: set it for CW work.
    expect(await laser.wavelength_nm()).toBe(1500);

    // A stepped reading at the peak sees the light the log saw around it (the top is flat to < 0.01 dB
    // over ±1 nm; the mean of 21 samples, since the single highest one is biased up by their noise).
    const around = p_W.slice(peak - 10, peak + 11);
    const logged_dBm = 10 * Math.log10(around.reduce((a, b) => a + b, 0) / around.length) + 30;
    await laser.setWavelength_nm(Math.round(peak_nm * 10) / 10);
    await laser.waitSettled();
    // The meter refuses single readings while its logging function holds the port.
    await expect(meter.readPower_dBm(1)).rejects.toThrow(/-221.*logging function running/);
    await meter.stopLogging(1);
    expect(Math.abs((await meter.readPower_dBm(1)) - logged_dBm)).toBeLessThan(0.15);
    await laser.safe();
  });

  it('a sweep stopped early leaves the meter short of triggers: waitLogging times out and stops the log', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    await laser.setOutput(true);
    await laser.configureSweep(SWEEP);
    await meter.startLogging({ channel: 1, samples: await laser.expectedTriggers(), averagingTime_s: 1e-4, trigger: 'single' });
    await laser.startSweep();
    await laser.stopSweep();
    expect(await laser.sweepRunning()).toBe(false);
    await expect(meter.waitLogging(1, 0.2)).rejects.toThrow(WaitTimeoutError);
    expect(await meter.loggingState(1)).toBe('idle');
    await laser.close();
    await expect(laser.output()).rejects.toThrow(SessionClosedError);
  });

  it('Santec laser: triggers on its step grid clock the same log; its wavelength log; the peak is where the Keysight finds it', async () => {
    const santec = await f.open(santecTslDescriptor, 'laser-santec');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    await santec.setWavelength_nm(1550);
    await santec.setPower_dBm(0);
    await santec.setOutput(true);
    const { wl, p_W } = await sweepWithLog(santec, meter, { ...SWEEP, logWavelengths: false });
    expect(wl).toHaveLength(1001);
    expect(p_W).toHaveLength(1001);
    // The wavelengths the laser measured (0.1 pm resolution): on the trigger grid within its few pm, not the grid itself.
    wl.forEach((nm, i) => expect(Math.abs(nm - (1500 + 0.1 * i))).toBeLessThan(0.01));
    expect(wl.every((nm, i) => nm === Number((1500 + 0.1 * i).toFixed(4)))).toBe(false);
    for (const nm of wl) expect(Number(nm.toFixed(4))).toBe(nm);
    expect(Math.abs((wl[argmax(p_W)] as number) - loopbackCentre_nm(f))).toBeLessThan(2);
    expect(await santec.wavelength_nm()).toBe(1500); // resting at the start, as after any sweep
    // (No 'running' check here: in fast mode a poll of a running sweep jumps bench time to its end.)
    await santec.startSweep();
    await santec.stopSweep();
    expect(await santec.sweepRunning()).toBe(false);
    await santec.safe();
    expect(await santec.output()).toBe(false);
  });
});
