// USBTMC end to end through the stand-in (a raw pty for /dev/usbtmc0 and a sysfs tree of its own,
// sim/link/usbtmc-standin.ts): the device found by vendor id, product id and serial, the simulated PM100D
// driven by the thorlabs-pm100 driver from a bench file, and `benchctl list` naming it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bench } from '../../../drivers/bench/bench.ts';
import { openBench } from '../../../drivers/bench/open-bench.ts';
import { ConnectError, TimeoutError } from '../../../drivers/errors.ts';
import { thorlabsPm100Descriptor } from '../../../drivers/instruments/thorlabs-pm100.ts';
import type { ThorlabsPm100Meter } from '../../../drivers/instruments/thorlabs-pm100.ts';
import { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { resolveSessionOptions } from '../../../drivers/session/session-options.ts';
import { listUsbtmcDevices } from '../../../drivers/transport/usbtmc-devices.ts';
import { UsbtmcTransport } from '../../../drivers/transport/usbtmc-transport.ts';
import type { UsbtmcStandIn } from '../../../sim/link/usbtmc-standin.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));
const RESOURCE = 'USB0::0x1313::0x8078::P0012345::INSTR';

describe('USBTMC through the stand-in', () => {
  let sim: VirtualBench;
  let usb: UsbtmcStandIn;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(async () => {
    sim = new VirtualBench({ seed: 8, drift_um_per_h: 0 });
    usb = await sim.serveUsbtmc();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await sim.close();
  });

  async function session(opts: { serial?: string; timeout_ms?: number } = {}): Promise<ScpiSession> {
    const transport = new UsbtmcTransport(RESOURCE, {
      vendorId: 0x1313, productId: 0x8078, serial: opts.serial ?? 'P0012345', roots: { sysfs: usb.sysfsRoot, dev: usb.devRoot },
    });
    await transport.open();
    const s = new ScpiSession(transport, resolveSessionOptions(RESOURCE, { timeout_ms: opts.timeout_ms ?? 3000 }));
    cleanups.push(() => s.close());
    return s;
  }

  it('sysfs lists the device; it is found by ids and serial and answers through the character device', async () => {
    expect(usb.resource).toBe(RESOURCE);
    expect(await listUsbtmcDevices({ sysfs: usb.sysfsRoot, dev: usb.devRoot })).toEqual([{
      path: path.join(usb.devRoot, 'usbtmc0'), vendorId: 0x1313, productId: 0x8078, serial: 'P0012345', manufacturer: 'Thorlabs', product: 'PM100D',
    }]);
    const s = await session();
    expect(await s.query('*IDN?')).toBe('Thorlabs,PM100D,P0012345,2.8.0');
    expect(await s.query(':SYST:SENS:IDN?')).toMatch(/^S155C,/);
  });

  it('another serial is not opened: the error lists what the driver has', async () => {
    await expect(session({ serial: 'P9999999' })).rejects.toThrow(ConnectError);
    await expect(session({ serial: 'P9999999' })).rejects.toThrow(
      /no USBTMC device 0x1313::0x8078::P9999999; the usbtmc driver has USB0::0x1313::0x8078::P0012345::INSTR/);
    await expect(listUsbtmcDevices({ sysfs: path.join(usb.sysfsRoot, 'absent') })).resolves.toEqual([]);
  });

  it('a query with no reply times out, and the next one is answered', async () => {
    const s = await session({ timeout_ms: 300 });
    await expect(s.query(':NOT:A:QUERY?')).rejects.toThrow(TimeoutError);
    expect(await s.query('*IDN?')).toMatch(/^Thorlabs,PM100D,/);
  });

  it('the PM100 driver: wavelength within the sensor span, averaging in 3 ms samples, range, unit, readings', async () => {
    const s = await session();
    const pm = await thorlabsPm100Descriptor.create({ session: s, role: 'meter', options: {} }) as ThorlabsPm100Meter;
    expect([pm.model, pm.sensor, pm.wavelengthRange_nm]).toEqual(['PM100D', 'S155C', { min: 800, max: 1700 }]);
    await pm.setWavelength_nm(1, 1310);
    expect(await pm.wavelength_nm(1)).toBe(1310);
    await expect(pm.setWavelength_nm(1, 1750)).rejects.toThrow(/wavelength_nm = 1750.*800…1700 nm \(the S155C's span\)/);
    await pm.setAveragingTime_s(1, 0.1);
    expect(await pm.averagingTime_s(1)).toBeCloseTo(0.099, 9); // 33 samples of 3 ms
    await pm.setRange_dBm(1, -20);
    expect(await pm.autoRange(1)).toBe(false);
    expect(await pm.range_dBm(1)).toBeCloseTo(-20, 9);
    await pm.setAutoRange(1, true);
    await pm.setUnit(1, 'dBm');
    expect(await pm.unit(1)).toBe('dBm');
    const dBm = await pm.readPower_dBm(1);
    await pm.setUnit(1, 'W');
    const w = await pm.readPower_W(1);
    expect(Number.isFinite(dBm) && w > 0).toBe(true);
    await expect(pm.readPower_W(2)).rejects.toThrow(/channel 1 \(the console has one sensor\)/);
    await expect(pm.startLogging({ channel: 1, samples: 10, averagingTime_s: 0.001, trigger: 'single' }))
      .rejects.toThrow(/the Thorlabs PM100 family reads one power per query/);
    await s.checkErrors();
  });

  it('a bench file reaches the PM100 over USBTMC (usbtmc_device names the stand-in), and benchctl list shows it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'benchctl-usbtmc-'));
    let bench: Bench | undefined;
    try {
      const file = path.join(dir, 'bench.yaml');
      await writeFile(file, [
        'name: PM100 bench',
        'instruments:',
        '  meter:',
        `    resource: ${RESOURCE}`,
        '    driver: thorlabs-pm100',
        `    usbtmc_device: ${usb.devicePath}`,
        '',
      ].join('\n'));
      bench = await openBench(file);
      await bench.meter.setWavelength_nm(1, 1550);
      expect(await bench.meter.wavelength_nm(1)).toBe(1550);
      expect(await bench.meter.readPower_W(1)).toBeGreaterThan(0);
      await bench.close();
      bench = undefined;
      const listed = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [BENCHCTL, 'list', '--usbtmc-sysfs', usb.sysfsRoot, '--bench', file], { timeout: 60_000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`benchctl list failed: ${err.message}\n${stderr}`));
          else resolve(stdout);
        });
      });
      expect(listed).toMatch(/USBTMC devices:\n.*device.*resource/);
      expect(listed).toMatch(/\/dev\/usbtmc0 +USB0::0x1313::0x8078::P0012345::INSTR +Thorlabs, PM100D, USB 0x1313:0x8078/);
      expect(listed).toMatch(/meter +USB0::0x1313::0x8078::P0012345::INSTR +thorlabs-pm100 +Thorlabs,PM100D,P0012345,2\.8\.0/);
    } finally {
      await bench?.close();
      await rm(dir, { recursive: true, force: true });
    }
    // benchctl list is a child process (tsx compiling the CLI), which takes its time on a loaded machine.
  }, 90_000);
});
