import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFloats, scanBlock } from '../../../drivers/scpi/block.ts';
import { PYTHON, killPythons, runPython } from './python-runner.ts';
import { portOf, startSim, type SimProcess } from './sim-process.ts';

const SCRIPT = fileURLToPath(new URL('./pyvisa-interop.py', import.meta.url));

/** The raw bytes of one query's reply block, read with our own block scanner (not PyVISA's). */
async function queryBlock(port: number, command: string): Promise<Uint8Array> {
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(`${command}\n`);
    let buf = Buffer.alloc(0);
    return await new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete block for ${command}`)), 5000);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const scan = scanBlock(buf, 0);
        if (scan.status === 'complete') {
          clearTimeout(timer);
          resolve(buf.subarray(scan.payloadStart, scan.payloadEnd));
        } else if (scan.status === 'invalid') {
          clearTimeout(timer);
          reject(new Error(`${command}: ${scan.reason}`));
        }
      });
    });
  } finally {
    socket.destroy();
  }
}

interface InteropResult {
  idn: string;
  error_after_bad_command: string;
  error_after_that: string;
  logging_states: string[];
  logged: number[];
  log_points: number;
  laser_on: string;
  tap_states: string[];
  tap_logged: number[];
  laser_error: string;
  voa_error: string;
  final_error: string;
}

describe('PyVISA (pyvisa-py) against benchctl sim', () => {
  let sim: SimProcess | undefined;
  afterEach(async () => {
    killPythons();
    await sim?.kill();
    sim = undefined;
  });

  it('pyvisa and pyvisa-py are installed for /usr/bin/python3 (.ci/run installs them)', async () => {
    const r = await runPython(['-c', 'import pyvisa, pyvisa_py; print(pyvisa.__version__)']);
    expect(r.code, `pyvisa is missing for ${PYTHON}: install python3-pyvisa python3-pyvisa-py (.ci/run does).\n${r.stderr}`).toBe(0);
  });

  it('identifies, reports -113 after a bad command, and reads the meter log with query_binary_values', async () => {
    sim = await startSim(['--port-base', '0', '--no-pty']);
    const port = portOf(sim.tcp['meter']);
    const r = await runPython([SCRIPT, String(port), String(portOf(sim.tcp['laser'])), String(portOf(sim.tcp['voa']))]);
    expect(r.code, `pyvisa-interop.py failed (exit ${r.code}):\n${r.stderr}`).toBe(0);
    const result = JSON.parse(r.stdout) as InteropResult;
    expect(result.idn).toMatch(/^Keysight Technologies,N7744[A-Z]?,/);
    expect(result.error_after_bad_command).toMatch(/^-113,"Undefined header/);
    expect(result.error_after_that).toMatch(/^\+?0,"No error"$/);
    expect(result.logging_states.at(-1)).toBe('LOGGING_STABILITY,COMPLETE');
    expect(result.logged).toHaveLength(result.log_points);
    for (const w of result.logged) {
      expect(Number.isFinite(w)).toBe(true);
      expect(w).toBeGreaterThan(0);
      expect(w).toBeLessThan(0.02);
    }
    expect(result.final_error).toMatch(/^\+?0,"No error"$/);
    // With the laser on, the 1 % input tap on port 2 logs light: distinct noisy values around 0 dBm − 20 dB.
    expect(result.laser_on).toBe('1');
    expect(result.laser_error).toMatch(/^\+?0,"No error"$/);
    expect(result.voa_error).toMatch(/^\+?0,"No error"$/);
    expect(result.tap_states.at(-1)).toBe('LOGGING_STABILITY,COMPLETE');
    expect(result.tap_logged).toHaveLength(result.log_points);
    expect(new Set(result.tap_logged).size).toBeGreaterThan(1);
    for (const w of result.tap_logged) {
      expect(w).toBeGreaterThan(1e-7);
      expect(w).toBeLessThan(1e-3);
    }
    // The same results read by our own block scanner: PyVISA saw exactly the logged float32 values.
    expect(decodeFloats(await queryBlock(port, ':SENS1:CHAN1:FUNC:RES?'), 'float32', 'little')).toEqual(result.logged);
    expect(decodeFloats(await queryBlock(port, ':SENS2:CHAN1:FUNC:RES?'), 'float32', 'little')).toEqual(result.tap_logged);

    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });
});
