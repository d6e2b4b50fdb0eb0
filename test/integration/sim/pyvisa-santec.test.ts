// A client nobody on this project wrote (PyVISA with pyvisa-py) reads the Santec TSL-570's wavelength log
// over TCP the way Santec's own samples do: int32 little-endian blocks in 0.1 pm.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killPythons, runPython } from './python-runner.ts';
import { portOf, startSim, type SimProcess } from './sim-process.ts';

const SCRIPT = fileURLToPath(new URL('./pyvisa-santec.py', import.meta.url));

interface SantecResult {
  idn: string;
  limits: string[];
  unit: string;
  states: string[];
  points: number;
  log_nm: number[];
  wavelength_after: string;
  error: string;
}

describe('PyVISA against the simulated Santec TSL-570', () => {
  let sim: SimProcess | undefined;
  afterEach(async () => {
    killPythons();
    await sim?.kill();
    sim = undefined;
  });

  it('limits, the wavelength unit, and the wavelength log of a sweep read with query_binary_values(datatype="i")', async () => {
    sim = await startSim(['--port-base', '0', '--no-pty']);
    const r = await runPython([SCRIPT, String(portOf(sim.tcp['laser-santec']))]);
    expect(r.code, `pyvisa-santec.py failed (exit ${r.code}):\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout) as SantecResult;
    expect(result.idn).toMatch(/^SANTEC,TSL-570,/);
    expect(result.limits).toEqual(['1480.0000', '1640.0000', '182.80028', '202.56247', '-15.000', '13.000']);
    expect(result.unit).toBe('1');
    expect(result.states.at(-1)).toBe('0');
    expect(result.points).toBe(201);
    expect(result.log_nm).toHaveLength(201);
    result.log_nm.forEach((nm, i) => expect(Math.abs(nm - (1550 + 0.01 * i))).toBeLessThan(0.001));
    expect(result.wavelength_after).toBe('1550.0000');
    expect(result.error).toMatch(/^\+?0,"No error"$/);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });
});
