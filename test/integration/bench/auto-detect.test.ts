// driver: auto against every simulated instrument: *IDN? for the SCPI boxes and the PI controller, VE? with
// CR for the ESP301, in-process, over TCP and (the ESP301) over a serial pty; and the failures, explained.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AutoDetectError, detectDriver } from '../../../drivers/bench/auto-detect.ts';
import { parseBenchFile } from '../../../drivers/bench/bench-file.ts';
import type { BenchConfig } from '../../../drivers/bench/bench-file.ts';
import { BenchOpenError, openBench } from '../../../drivers/bench/open-bench.ts';
import { newportEsp301 } from '../../../drivers/instruments/newport-esp301.ts';
import { openResource } from '../../../drivers/open-resource.ts';
import { SIM_DRIVERS } from '../../../sim/link/bench-file.ts';
import { SIM_ROLES, VirtualBench } from '../../../sim/virtual-bench.ts';

const AXES = { X: { axis: 1, min_um: 0, max_um: 25_000 }, Y: { axis: 2, min_um: 0, max_um: 25_000 }, Z: { axis: 3, min_um: 5_008, max_um: 10_000 } };

function allAuto(resource: (role: string) => string): BenchConfig {
  return {
    name: 'every simulated instrument, auto-detected',
    instruments: SIM_ROLES.map((role) => ({
      role, resource: resource(role), driver: 'auto', session: {}, options: {}, ...(role.startsWith('stage') ? { axes: AXES } : {}),
    })),
  };
}

describe('auto-detection of the simulated instruments', () => {
  let sim: VirtualBench;
  beforeEach(() => {
    sim = new VirtualBench({ seed: 3, mode: 'fast' });
  });
  afterEach(async () => {
    await sim.close();
  });

  it.each(['in-process', 'tcp'] as const)('finds the driver of all eight roles (%s)', async (link) => {
    const served = link === 'tcp' ? await sim.serveTcp({ portBase: 0 }) : undefined;
    const bench = await openBench(allAuto((role) => served ? served.resource(role) : `SIM::${role}`), { inProcess: sim });
    try {
      for (const role of SIM_ROLES) {
        const i = bench.instrument(role);
        expect({ role, driver: i.driverName, detected: i.detected }).toEqual({ role, driver: SIM_DRIVERS[role], detected: true });
        expect(i.identity).toBe(sim.instrument(role).identity);
      }
      // Detected drivers are real drivers: the ESP301 found by VE? moves the stage.
      const esp = bench.get('stage-esp', 'stage');
      await esp.moveAbsolute_um('X', 250);
      await esp.waitForMotion();
      expect(await esp.position_um('X')).toBeCloseTo(250, 1);
    } finally {
      await bench.close();
    }
  });

  it('finds the ESP301 on a serial pty, where it has no *IDN?, with the first probe', async () => {
    const pty = await sim.servePty('stage-esp');
    const found = await detectDriver(pty.resource, { session: { baudRate: 921600, timeout_ms: 300 } });
    expect(found.driver.name).toBe('newport-esp301');
    expect(found.identity).toBe('ESP301 Version 3.0.2 03/26/12');
    expect(found.probe).toMatch(/VE\?/);
    // On a serial port VE? goes first: the ESP301 costs no *IDN? timeout.
    expect(found.unanswered).toEqual([]);
  });

  it('finds an SCPI instrument on a serial pty after the VE? probe, and leaves no error of the probe behind', async () => {
    const pty = await sim.servePty('meter');
    const found = await detectDriver(pty.resource, { session: { timeout_ms: 300 } });
    expect(found.driver.name).toBe('keysight-n774x');
    expect(found.identity).toBe(sim.instrument('meter').identity);
    expect(found.unanswered.map((a) => a.probe)).toEqual(['VE? with CR (Newport ESP301)']);
    // The unanswered VE? was refused with an error; detection read it back, so the driver starts clean.
    const bench = await openBench({ name: 'serial meter', instruments: [
      { role: 'meter', resource: pty.resource, driver: found.driver.name, session: { timeout_ms: 1000 }, options: {} },
    ] });
    try {
      await bench.meter.setWavelength_nm(1, 1310);
      expect(await bench.meter.wavelength_nm(1)).toBe(1310);
    } finally {
      await bench.close();
    }
  });

  it('over TCP an SCPI instrument answers the first probe; the ESP301 the second, its error buffer then read in its dialect', async () => {
    const served = await sim.serveTcp({ portBase: 0 });
    const meter = await detectDriver(served.resource('meter'), { session: { timeout_ms: 300 } });
    expect([meter.driver.name, meter.unanswered]).toEqual(['keysight-n774x', []]);
    // Each simulated TCP client has its own input buffer, so the *IDN? line dies with its connection; an
    // error already in the buffer stands in for what a serial device server would have kept.
    sim.faults.pushError('stage-esp', 6);
    const esp = await detectDriver(served.resource('stage-esp'), { session: { timeout_ms: 300 } });
    expect([esp.driver.name, esp.unanswered.map((a) => a.probe)]).toEqual(['newport-esp301', ['*IDN? (SCPI instruments, PI GCS)', '*IDN? with CR (Santec TSL)']]);
    // The Santec TSL hears only CR-terminated lines: the LF probe goes unanswered, the CR one finds it.
    const santec = await detectDriver(served.resource('laser-santec'), { session: { timeout_ms: 300 } });
    expect([santec.driver.name, santec.probe]).toEqual(['santec-tsl', '*IDN? with CR (Santec TSL)']);
    const s = await openResource(served.resource('stage-esp'), { ...newportEsp301.sessionDefaults, timeout_ms: 1000 });
    try {
      await expect(s.checkErrors()).resolves.toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('says what it tried when nothing answers', async () => {
    sim.faults.stopAnswering('voa');
    const err = await detectDriver('SIM::voa', { inProcess: sim, session: { timeout_ms: 150 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoDetectError);
    const message = (err as Error).message;
    expect(message).toMatch(/^auto-detection at SIM::voa: nothing answered; tried \*IDN\? \(SCPI instruments, PI GCS\) → timeout after 150 ms/);
    expect(message).toMatch(/\*IDN\? with CR \(Santec TSL\) → timeout after 150 ms/);
    expect(message).toMatch(/VE\? with CR \(Newport ESP301\) → timeout after 150 ms/);
    expect((err as AutoDetectError).attempts).toHaveLength(3);
  });

  it('says so when the identity fits no driver', async () => {
    const err = await detectDriver('SIM::meter', { inProcess: sim, drivers: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoDetectError);
    expect((err as Error).message).toMatch(/: no driver recognises "Keysight Technologies,N7744A,[^"]*"; known drivers: ; tried \*IDN\? .* → replied "Keysight/);
    // Something answered *IDN?, so the ESP301 probe was not tried on it.
    expect((err as AutoDetectError).attempts).toHaveLength(1);
  });

  it('refuses a detected driver that does not fit the role, naming the file line', async () => {
    const config = parseBenchFile('instruments:\n  laser:\n    resource: SIM::meter\n    driver: auto\n', { file: 'bench.yaml' });
    const err = await openBench(config, { inProcess: sim }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BenchOpenError);
    expect((err as Error).message).toBe(
      "cannot open bench 'bench.yaml': bench.yaml:2: laser (SIM::meter): auto-detection found keysight-n774x (a meter), but role 'laser' is a laser");
  });
});
