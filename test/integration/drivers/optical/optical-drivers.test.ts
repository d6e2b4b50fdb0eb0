// Every method of every optical driver against the virtual bench, in-process and over TCP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import { keysightN776xDescriptor } from '../../../../drivers/instruments/keysight-n776x.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { santecTslDescriptor } from '../../../../drivers/instruments/santec-tsl.ts';
import { anritsuMp1900aDescriptor } from '../../../../drivers/instruments/anritsu-mp1900a.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { stepSweep } from '../../../../drivers/roles/tunable-laser.ts';
import { LINKS, simFixture } from './sim-fixture.ts';
import type { SimFixture } from './sim-fixture.ts';

/** Two readings of the same light agree within the meter's noise (dB). */
function expectNear(a: number, b: number, tol_dB = 0.2): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol_dB);
}

describe.each(LINKS)('optical drivers against the simulator (%s)', (link) => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await simFixture(link);
  });
  afterEach(async () => {
    await f.close();
  });

  it('power meter: settings, readings in both units, all ports at once, free-running log', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    await (await f.open(keysightN776xDescriptor, 'voa')).setOutput(true);
    expect(await meter.identify()).toMatch(/^Keysight Technologies,N7744A,/);
    expect(meter.channels).toEqual([1, 2, 3, 4]);
    await meter.setWavelength_nm(2, 1310);
    expect(await meter.wavelength_nm(2)).toBe(1310);
    await meter.setWavelength_nm(2, 1550);
    await meter.setAveragingTime_s(2, 0.01);
    expect(await meter.averagingTime_s(2)).toBe(0.01);
    await meter.setRange_dBm(2, -20);
    expect(await meter.range_dBm(2)).toBe(-20);
    expect(await meter.autoRange(2)).toBe(false);
    await meter.setAutoRange(2, true);
    expect(await meter.autoRange(2)).toBe(true);

    await laser.setPower_dBm(3);
    await laser.setOutput(true);
    const monitor_dBm = await meter.readPower_dBm(2);
    // Port 2 is the 1 % tap after the modulator and the VOA: about 3 − 5 − 1 − 20 dBm.
    expect(monitor_dBm).toBeGreaterThan(-27);
    expect(monitor_dBm).toBeLessThan(-20);
    // Continuous mode: FETCh returns the window that just ended, so the same power within the noise.
    expectNear(await meter.fetchPower_dBm(2), monitor_dBm);
    await meter.setUnit(2, 'W');
    expect(await meter.unit(2)).toBe('W');
    const monitor_W = await meter.readPower_W(2);
    expectNear(10 * Math.log10(monitor_W) + 30, monitor_dBm);
    expectNear(10 * Math.log10((await meter.fetchPower_W(2)) / monitor_W), 0);
    expectNear(await meter.readPower_dBm(2), monitor_dBm);

    const all = await meter.readAll_dBm();
    expect(all).toHaveLength(4);
    expectNear(all[1] as number, monitor_dBm);
    // Ports 3 and 4 are dark: the meter reports its floor, not an error.
    for (const dark of [all[2], all[3]]) expect(dark).toBeLessThan(-60);

    await meter.startLogging({ channel: 2, samples: 50, averagingTime_s: 1e-4, trigger: 'ignore' });
    await meter.waitLogging(2, 10);
    expect(await meter.loggingState(2)).toBe('complete');
    const log = await meter.fetchLog_W(2);
    expect(log).toHaveLength(50);
    for (const p of log) expectNear(10 * Math.log10(p) + 30, monitor_dBm, 0.5);
    await meter.stopLogging(2);
    expect(await meter.loggingState(2)).toBe('idle');
    await meter.safe();
  });

  it('Keysight laser: limits from the laser, wavelength, power, output, step sweep, refusals', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    await (await f.open(keysightN776xDescriptor, 'voa')).setOutput(true);
    expect(await laser.identify()).toMatch(/N7778C/);
    expect(laser.limits).toEqual({ wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -10, max: 13 }, speed_nm_s: { min: 0.5, max: 200 } });
    await laser.setWavelength_nm(1555.5);
    expect(await laser.wavelength_nm()).toBe(1555.5);
    await laser.setPower_dBm(-2);
    expect(await laser.power_dBm()).toBe(-2);
    expect(await laser.output()).toBe(false);
    await laser.setOutput(true);
    await laser.waitSettled();
    expect(await laser.output()).toBe(true);
    await expect(laser.setWavelength_nm(1650)).rejects.toThrow(InvalidSettingError);
    await expect(laser.setPower_dBm(20)).rejects.toThrow(/-10…13 dBm/);

    // The meter's port 2 follows the laser power, 1 dB for 1 dB.
    const before = await meter.readPower_dBm(2);
    await laser.setPower_dBm(1);
    expectNear((await meter.readPower_dBm(2)) - before, 3);

    const visited: number[] = [];
    for await (const nm of stepSweep(laser, { start_nm: 1540, stop_nm: 1541, step_nm: 0.5 })) {
      expect(await laser.wavelength_nm()).toBe(nm);
      visited.push(nm);
    }
    expect(visited).toEqual([1540, 1540.5, 1541]);
    await laser.safe();
    expect(await laser.output()).toBe(false);
  });

  it('Santec laser: limits from the laser, wavelength in nm, power in dBm and mW display, LD + shutter, safe()', async () => {
    const santec = await f.open(santecTslDescriptor, 'laser-santec');
    expect(await santec.identify()).toMatch(/^SANTEC,TSL-570/);
    expect(santec.limits).toEqual({ wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } });
    await santec.setWavelength_nm(1548.25);
    expect(await santec.wavelength_nm()).toBe(1548.25);
    await santec.setPower_dBm(4);
    expect(await santec.power_dBm()).toBeCloseTo(4, 3);
    await santec.props.powerUnit.set('mW');
    await santec.setPower_dBm(6);
    expect(await santec.power_dBm()).toBeCloseTo(6, 3);
    expect(await santec.output()).toBe(false);
    await santec.setOutput(true);
    await santec.waitSettled();
    expect(await santec.output()).toBe(true);
    await santec.setOutput(false);
    expect(await santec.output()).toBe(false);
    await santec.setOutput(true);
    await santec.safe();
    expect(await santec.output()).toBe(false);
    await expect(santec.setWavelength_nm(1700)).rejects.toThrow(/1480…1640 nm/);
  });

  it('Santec laser left showing THz and mW: opened in nm, limits in dBm, wavelengths read in nm', async () => {
    const raw = await f.session('laser-santec', { readTermination: '\r', writeTermination: '\r' });
    await raw.write(':WAV 1550.0000;:WAV:UNIT 1;:POW:UNIT 1');
    const santec = await f.open(santecTslDescriptor, 'laser-santec');
    expect(await raw.query(':WAV:UNIT?')).toBe('0');
    expect(santec.limits.power_dBm).toEqual({ min: -15, max: 13 });
    expect(await santec.wavelength_nm()).toBe(1550);
    // Switched to THz at the front panel after opening: the read still comes back in nm, and the laser in nm.
    await raw.write(':WAV:UNIT 1');
    expect(await santec.wavelength_nm()).toBe(1550);
    expect(await raw.query(':WAV:UNIT?')).toBe('0');
    await raw.checkErrors();
  });

  it('attenuator: attenuation moves the light dB for dB, offset, wavelength, shutter, power-setpoint mode', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    const voa = await f.open(keysightN776xDescriptor, 'voa');
    expect(voa.hasPowerControl).toBe(true);
    await laser.setPower_dBm(5);
    await laser.setOutput(true);
    await voa.setOutput(true);
    expect(await voa.output()).toBe(true);
    await voa.setWavelength_nm(1550);
    expect(await voa.wavelength_nm()).toBe(1550);
    await voa.setAttenuation_dB(0);
    await voa.waitSettled();
    const p0 = await meter.readPower_dBm(2);
    await voa.setAttenuation_dB(10);
    await voa.waitSettled();
    expect(await voa.attenuation_dB()).toBe(10);
    expectNear(p0 - (await meter.readPower_dBm(2)), 10, 0.3);

    // The range the VOA reports (INP:ATT? MIN|MAX), moving with the offset.
    expect(voa.attenuationRange_dB).toEqual({ min: 0, max: 60 });
    await voa.setOffset_dB(3);
    expect(await voa.offset_dB()).toBe(3);
    expect(await voa.attenuation_dB()).toBe(13);
    await expect(voa.setAttenuation_dB(2)).rejects.toThrow(/3…63 dB/);
    await voa.setAttenuation_dB(63);
    await voa.refreshState();
    expect(voa.attenuationRange_dB).toEqual({ min: 3, max: 63 });
    await voa.setOffset_dB(0);

    await voa.setOutputPower_dBm(-15);
    await voa.waitSettled();
    expect(await voa.outputPower_dBm()).toBeCloseTo(-15, 0);
    // The tap after the VOA sends 1 % of it to port 2.
    expect(await meter.readPower_dBm(2)).toBeCloseTo(-35, 0);
    await voa.setAttenuation_dB(20);
    expect(await voa.props.powerControl.get(voa.at)).toBe(false);

    await voa.setOutput(false);
    expect(await voa.outputPower_dBm()).toBe(-Infinity);
    expect(await meter.readPower_dBm(2)).toBeLessThan(-60);
    await voa.safe();
  });

  it('BERT: pattern, line rate, output, gate settings, start/stop, sync', async () => {
    const bert = await f.open(anritsuMp1900aDescriptor, 'bert');
    expect(await bert.identify()).toMatch(/MP1900A/);
    await bert.setPattern('PRBS15');
    expect(await bert.pattern()).toBe('PRBS15');
    expect(await bert.session.query(':UENT:ID 1;:MOD:ID 2;:SENS:PATT:PRBS:LENG?')).toBe('15');
    await bert.setLineRate_Gbps(53.125);
    expect(await bert.lineRate_Gbps()).toBeCloseTo(53.125, 9);
    await bert.setOutput(true);
    expect(await bert.output()).toBe(true);
    await bert.setGate({ mode: 'bits', bits: 1e9 });
    expect(await bert.gate()).toEqual({ mode: 'bits', bits: 1e9 });
    await bert.setGate({ mode: 'time', period_s: 100 });
    expect(await bert.gate()).toEqual({ mode: 'time', period_s: 100 });
    await bert.startGate();
    await bert.stopGate();
    expect(await bert.gateRunning()).toBe(false);
    // No light reaches the receiver yet (laser off): no sync, and the driver says so.
    expect(await bert.synced()).toBe(false);
    await bert.safe();
    expect(await bert.output()).toBe(false);
  });
});
