// `benchctl sim --vxi11 --usbtmc`: the meter over VXI-11 (portmapper on the port asked for) and a PM100D
// through the USBTMC stand-in, reached by the resource strings the command prints.
import { afterEach, describe, expect, it } from 'vitest';
import { openResource } from '../../../drivers/open-resource.ts';
import type { ScpiSession } from '../../../drivers/session/scpi-session.ts';
import { startSim, type SimProcess } from './sim-process.ts';

describe('benchctl sim --vxi11 --usbtmc', () => {
  let sim: SimProcess | undefined;
  const sessions: ScpiSession[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await sim?.kill();
    sim = undefined;
  });

  it('prints the VXI-11 and USBTMC resources, and both answer', async () => {
    // A child process: slow to start on a loaded machine, hence the longer waits.
    sim = await startSim(['--port-base', '0', '--no-pty', '--vxi11', '--portmapper-port', '0', '--usbtmc'], 60_000);
    const out = sim.stdout();
    const vxi = /^vxi11 meter (TCPIP0::127\.0\.0\.1::inst0::INSTR) portmapper (\d+)$/m.exec(out);
    expect(vxi, out).not.toBeNull();
    expect(out).toMatch(/^vxi11 laser TCPIP0::127\.0\.0\.1::inst1::INSTR portmapper \d+$/m);
    const usb = /^usbtmc (USB0::0x1313::0x8078::P0012345::INSTR) (\S+)$/m.exec(out);
    expect(usb, out).not.toBeNull();
    const meter = await openResource(vxi?.[1] ?? '', { portmapperPort: Number(vxi?.[2]) });
    sessions.push(meter);
    expect(await meter.query('*IDN?')).toMatch(/^Keysight Technologies,N7744A,/);
    const pm = await openResource(usb?.[1] ?? '', { usbtmcDevice: usb?.[2] ?? '' });
    sessions.push(pm);
    expect(await pm.query('*IDN?')).toBe('Thorlabs,PM100D,P0012345,2.8.0');
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  }, 90_000);
});
