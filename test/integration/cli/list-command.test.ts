// `benchctl list`: serial ports, and with a bench file every role identified (or the error it gave).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import type { ServedBench } from '../../../sim/link/link-hub.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { runBenchctl } from './run-benchctl.ts';

describe('benchctl list', () => {
  let sim: VirtualBench;
  let served: ServedBench;
  let dir: string;

  beforeAll(async () => {
    sim = new VirtualBench({ seed: 1, mode: 'fast' });
    served = await sim.serveTcp({ portBase: 0 });
    dir = await mkdtemp(join(tmpdir(), 'benchctl-list-'));
  });

  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the serial ports with their resource strings', async () => {
    const r = await runBenchctl(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Serial ports(:\n {2}port +resource +description\n|: none found\n)/);
    const [serial = '', usbtmc = ''] = r.stdout.split(/^(?=USBTMC devices)/m);
    for (const line of serial.split('\n').slice(2).filter(Boolean)) expect(line).toMatch(/^ {2}(\S+) +ASRL\1::INSTR/);
    // This machine has no USBTMC instrument (the stand-in's listing is tested in transport/usbtmc.test.ts).
    expect(usbtmc).toMatch(/^USBTMC devices(:\n {2}device +resource +description\n|: none found in \/sys\/class\/usbmisc )/);
  });

  it('identifies every role of a bench file, auto-detected ones with the driver found', async () => {
    const tcp = Object.fromEntries(served.endpoints.map((e) => [e.role, e.resource]));
    const file = join(dir, 'bench.yaml');
    await writeFile(file, simBenchFileYaml({ seed: 1, mode: 'fast', tcp }).replace(/driver: pi-gcs/, 'driver: auto'));
    const r = await runBenchctl(['list', '--bench', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.slice(r.stdout.indexOf(`Bench 'simulated bench (seed 1)' (${file}):`)).split('\n').slice(2).filter(Boolean);
    expect(rows.map((l) => l.trim().split(/ {2,}/))).toEqual([
      ['laser', tcp['laser'], 'keysight-n777x', sim.instrument('laser').identity],
      ['meter', tcp['meter'], 'keysight-n774x', sim.instrument('meter').identity],
      ['voa', tcp['voa'], 'keysight-n776x', sim.instrument('voa').identity],
      ['bert', tcp['bert'], 'anritsu-mp1900a', sim.instrument('bert').identity],
      ['stage', tcp['stage-pi'], 'auto → pi-gcs', sim.instrument('stage-pi').identity],
      ['meter-array', tcp['meter-array'], 'keysight-n774x', sim.instrument('meter-array').identity],
      ['stage-hexapod', tcp['stage-hexapod'], 'pi-gcs-hexapod', sim.instrument('stage-hexapod').identity],
      ['bert-pam4', tcp['bert-pam4'], 'scpi-bert', sim.instrument('bert-pam4').identity],
    ]);
  });

  it('shows the error of a role that does not answer, exit 2', async () => {
    const file = join(dir, 'half.yaml');
    await writeFile(file, `name: half
instruments:
  stage:
    resource: ${served.resource('stage-esp')}
    driver: newport-esp301
    axes: { X: { axis: 1, min_um: 0, max_um: 10 } }
  voa:
    resource: ${served.resource('voa')}
    driver: keysight-n776x
    timeout_ms: 300
`);
    sim.faults.stopAnswering('voa');
    try {
      const r = await runBenchctl(['list', '--bench', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/ {2}stage +\S+ +newport-esp301 +ESP301 Version 3\.0\.2 03\/26\/12\n/);
      expect(r.stdout).toMatch(/ {2}voa +\S+ +keysight-n776x +error: timeout after 300 ms waiting for the reply to '\*IDN\?'/);
    } finally {
      sim.faults.stopAnswering('voa', false);
    }
  });
});
