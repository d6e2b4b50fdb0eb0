import { describe, expect, it } from 'vitest';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { KeysightMeter } from '../../../../sim/instruments/meter-keysight.ts';
import type { WorldFixture } from '../world/fixtures.ts';
import { alignTo, makeWorld } from '../world/fixtures.ts';
import { ask, askNumber, dBm, errorCodes, send } from './helpers.ts';

/** Laser on at 1550 nm / +6 dBm, VOA open at 0 dB, fiber on site 0's optimum. */
function litBench(seed = 41, f: WorldFixture = makeWorld(seed)): WorldFixture & { m: KeysightMeter } {
  f.world.laser.setWavelength(1550, 0);
  f.world.laser.setPower(6, 0);
  f.world.laser.setOutput(true, 0);
  f.world.voa.setOutput(true, 0);
  f.world.voa.setAttenuation(0, 0);
  alignTo(f, 0);
  return { ...f, m: new KeysightMeter(f.world, f.clock) };
}

describe('Keysight meter: readings', () => {
  it('READ spends the averaging time and reads the world within its noise, in dBm and in W', async () => {
    const b = litBench();
    await send(b.m, ':SENS1:CHAN1:POW:ATIME 100MS');
    const t0 = b.clock.now_s();
    const p1 = await askNumber(b.m, ':READ1:CHAN1:POW?');
    expect(b.clock.now_s() - t0).toBeCloseTo(0.1 + 0.2e-3, 9);
    const truth1 = dBm(b.world.powerAtMeter_W(1, t0));
    expect(Math.abs(p1 - truth1)).toBeLessThan(0.05); // 0.2 % noise ≈ 0.01 dB
    await send(b.m, ':SENS2:POW:UNIT 1');
    const p2 = await askNumber(b.m, ':READ2:POW?');
    expect(p2 / b.world.powerAtMeter_W(2, b.clock.now_s())).toBeCloseTo(1, 1);
    // the input monitor sees ~1 % of the light after the VOA
    expect(dBm(p2) - dBm(b.world.voaOutput_W(b.clock.now_s()))).toBeCloseTo(-20, 0);
  });

  it('reports the noise floor on a dark port, lower with longer averaging (1/√t)', async () => {
    const b = litBench();
    await send(b.m, ':SENS3:POW:ATIME 100MS');
    expect(await askNumber(b.m, ':READ3:POW?')).toBeCloseTo(-80, 6);
    await send(b.m, ':SENS3:POW:ATIME 1MS');
    expect(await askNumber(b.m, ':READ3:POW?')).toBeCloseTo(-70, 6);
    expect(await errorCodes(b.m)).toEqual([]);
  });

  it('noise shrinks with averaging: the spread of 1 ms readings is larger than that of 100 ms readings', async () => {
    const b = litBench();
    const spread = async (atime: string): Promise<number> => {
      await send(b.m, `:SENS1:POW:UNIT 1;ATIME ${atime}`);
      const v: number[] = [];
      for (let i = 0; i < 40; i++) v.push(await askNumber(b.m, ':READ1:POW?'));
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) / mean;
    };
    const fast = await spread('1MS');
    const slow = await spread('100MS');
    expect(fast).toBeGreaterThan(3 * slow);
    expect(slow).toBeLessThan(0.005);
  });

  it('reads a little wrong when its wavelength setting is far from the light (responsivity calibration)', async () => {
    const b = litBench();
    await send(b.m, ':SENS2:POW:ATIME 1S');
    const right = await askNumber(b.m, ':READ2:POW?');
    await send(b.m, ':SENS2:POW:WAV 1530NM');
    const wrong = await askNumber(b.m, ':READ2:POW?');
    expect(wrong - right).toBeGreaterThan(0.05); // 20 nm off: ~2 % (0.09 dB) too high
    expect(wrong - right).toBeLessThan(0.13);
  });

  it('flags power above a manual range: NaN (9.91E+37) and -231, while auto range reads it', async () => {
    const b = litBench();
    b.world.laser.setPower(13, b.clock.now_s());
    await send(b.m, ':SENS2:POW:RANG -30DBM');
    expect(await ask(b.m, ':READ2:POW?')).toBe('9.91E+37');
    expect(await errorCodes(b.m)).toEqual([-231]);
    await send(b.m, ':SENS2:POW:RANG:AUTO 1');
    expect(await askNumber(b.m, ':READ2:POW?')).toBeLessThan(0);
  });

  it('FETC returns the window that just ended without spending time; with continuous off, the last READ', async () => {
    const b = litBench();
    const t0 = b.clock.now_s();
    const v = await askNumber(b.m, ':FETC1:CHAN1:POW?');
    expect(b.clock.now_s() - t0).toBeCloseTo(0.2e-3, 12);
    expect(Number.isFinite(v)).toBe(true);
    await send(b.m, ':INIT3:CONT 0');
    expect(await send(b.m, ':FETC3:POW?')).toBeUndefined();
    await send(b.m, ':INIT1:CONT 0');
    expect(await errorCodes(b.m)).toEqual([-230]);
    const r = await ask(b.m, ':READ1:POW?');
    expect(await ask(b.m, ':FETC1:POW?')).toBe(r);
  });

  it('INIT:IMM takes a measurement (spending the averaging time) that FETC then returns', async () => {
    const b = litBench();
    await send(b.m, ':INIT2:CONT 0;:SENS2:POW:ATIME 20MS');
    const t0 = b.clock.now_s();
    await send(b.m, ':INIT2:IMM');
    expect(b.clock.now_s() - t0).toBeCloseTo(0.02 + 0.2e-3, 9);
    const a = await ask(b.m, ':FETC2:POW?');
    expect(await ask(b.m, ':FETC2:POW?')).toBe(a);
  });

  it('READ:POW:ALL:CSV? reads all four ports at once in W, costing the longest averaging time', async () => {
    const b = litBench();
    await send(b.m, ':SENS1:POW:ATIME 10MS;:SENS2:POW:ATIME 50MS;:SENS3:POW:ATIME 1MS;:SENS4:POW:ATIME 1MS');
    const t0 = b.clock.now_s();
    const values = (await ask(b.m, ':READ:POW:ALL:CSV?')).split(',').map(Number);
    expect(b.clock.now_s() - t0).toBeCloseTo(0.05 + 0.2e-3, 9);
    expect(values).toHaveLength(4);
    expect(values[0]! / b.world.powerAtMeter_W(1, t0)).toBeCloseTo(1, 1);
    expect(values[2]).toBeCloseTo(1e-10, 15); // dark port 3 at 1 ms: its floor, −70 dBm
    const fetched = (await ask(b.m, ':FETC:POW:ALL:CSV?')).split(',');
    expect(fetched).toHaveLength(4);
  });

  it('in real time, a READ waits its averaging time on the wall clock too', async () => {
    const b = litBench(42, makeWorld(42, { clock: new RealtimeClock() }));
    await send(b.m, ':SENS1:POW:ATIME 60MS');
    const wall0 = performance.now();
    const bench0 = b.clock.now_s();
    await ask(b.m, ':READ1:POW?');
    expect(performance.now() - wall0).toBeGreaterThanOrEqual(55);
    expect(b.clock.now_s() - bench0).toBeGreaterThanOrEqual(0.055);
    expect(b.clock.now_s() - bench0).toBeLessThan(1);
  });
});
