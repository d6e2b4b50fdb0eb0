// `benchctl scpi` as a user runs it: a child process talking to a simulator served on loopback TCP (or a
// fresh in-process one with --sim), one command at a time or through the console on stdin.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import type { ServedBench } from '../../../sim/link/link-hub.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { runBenchctl } from './run-benchctl.ts';

describe('benchctl scpi', () => {
  let sim: VirtualBench;
  let served: ServedBench;
  let dir: string;

  beforeAll(async () => {
    sim = new VirtualBench({ seed: 1, mode: 'fast' });
    served = await sim.serveTcp({ portBase: 0 });
    dir = await mkdtemp(join(tmpdir(), 'benchctl-scpi-'));
  });

  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the reply to a query, exit 0', async () => {
    const r = await runBenchctl(['scpi', served.resource('laser'), '*IDN?']);
    expect(r).toEqual({ code: 0, stdout: 'Keysight Technologies,N7778C,DE56300112,1.4.2\n', stderr: '' });
  });

  it('prints an instrument error with its code and exits 2', async () => {
    const r = await runBenchctl(['scpi', served.resource('laser'), ':SOUR0:WAV 2000NM']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^benchctl scpi: error -222: Data out of range/);
  });

  it('reports a query nothing answers as a timeout, exit 2', async () => {
    const r = await runBenchctl(['scpi', served.resource('meter'), ':NOSUCH:THING?', '--timeout', '300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/timeout after 300 ms waiting for the reply to ':NOSUCH:THING\?'/);
    // The error that explains the silence is read before the session's resynchronisation clears the queue.
    expect(r.stderr).toMatch(/\nbenchctl scpi: error -113: Undefined header;NOSUCH:THING\?\n$/);
  });

  it('speaks the ESP301 dialect with --driver (CR terminators, TB? error buffer)', async () => {
    const ok = await runBenchctl(['scpi', served.resource('stage-esp'), '--driver', 'newport-esp301', '2TP?']);
    expect(ok).toMatchObject({ code: 0, stdout: '0.000000\n' });
    const refused = await runBenchctl(['scpi', served.resource('stage-esp'), '--driver', 'newport-esp301', '1PA99']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('benchctl scpi: error 106: POSITIVE SOFTWARE LIMIT DETECTED\n');
   }, 40_000);

  it('talks to a fresh in-process simulator with --sim, in the role’s own dialect', async () => {
    const r = await runBenchctl(['scpi', '--sim', 'SIM::stage-pi', 'POS? 3']);
    expect(r).toEqual({ code: 0, stdout: '3=10.000000\n', stderr: '' });
  });

  it('takes the resource and settings from a bench file role', async () => {
    const file = join(dir, 'bench.yaml');
    const tcp = Object.fromEntries(served.endpoints.map((e) => [e.role, e.resource]));
    await writeFile(file, simBenchFileYaml({ seed: 1, mode: 'fast', tcp }));
    // The written bench file's stage is the PI GCS controller: Z (axis 3) powers up at the top, 10 mm.
    const r = await runBenchctl(['scpi', '--bench', file, '--role', 'stage', 'POS? 3']);
    expect(r).toEqual({ code: 0, stdout: '3=10.000000\n', stderr: '' });
    const missing = await runBenchctl(['scpi', '--bench', file, '--role', 'chiller', '*IDN?']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no role 'chiller'; its roles are laser, meter, voa, bert, stage/);
   }, 40_000);

  it('names file and line when the bench file is wrong', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'instruments:\n  laser:\n    resource: TCPIP0::127.0.0.1::5026::SOCKET\n    driver: keysight-n777\n');
    const r = await runBenchctl(['scpi', '--bench', file, '--role', 'laser', '*IDN?']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4: instruments.laser.driver: unknown driver "keysight-n777"; known drivers: auto, keysight-n774x`);
  });

  it('runs a console on stdin: queries print replies, errors follow their line, .quit leaves, history is kept', async () => {
    const history = join(dir, 'history');
    const r = await runBenchctl(['scpi', served.resource('laser'), '--history', history], {
      input: '*IDN?\n:SOUR0:WAV 1550.5NM\n:SOUR0:WAV?\nBOGUS\n\n.quit\n:SOUR0:WAV?\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Keysight Technologies,N7778C,DE56300112,1.4.2\n+1.55050000E-06\n');
    expect(r.stderr).toMatch(/^error -113: Undefined header/);
    expect(await readFile(history, 'utf8')).toBe('*IDN?\n:SOUR0:WAV 1550.5NM\n:SOUR0:WAV?\nBOGUS\n');
  });

  it('the console says what the instrument reported after a query timed out, and the next line gets its own reply', async () => {
    const r = await runBenchctl(['scpi', served.resource('meter'), '--timeout', '300'], { input: ':NOSUCH?\n*IDN?\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${sim.instrument('meter').identity}\n`);
    expect(r.stderr).toMatch(/^timeout after 300 ms waiting for the reply to ':NOSUCH\?'.*\nerror -113: Undefined header;NOSUCH\?\n$/);
  });

  it('the console also ends at end of input and explains unknown dot commands', async () => {
    const r = await runBenchctl(['scpi', '--sim', 'SIM::stage-esp'], { input: '.frobnicate\n1MD?\n' });
    expect(r).toEqual({ code: 0, stdout: '1\n', stderr: "unknown console command '.frobnicate'; .help lists them\n" });
  });

  it('refuses a call without a resource, with its usage, exit 2', async () => {
    const none = await runBenchctl(['scpi']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/expected a resource .* or --bench FILE --role ROLE\nUsage: benchctl scpi/);
  });
});
