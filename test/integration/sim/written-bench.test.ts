// The bench file `benchctl sim --write-bench` writes is one the drivers open as is (the path `benchctl run
// --bench FILE` takes), and its commented ESP301 alternate drives the stage over the serial pty.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bench } from '../../../drivers/bench/bench.ts';
import { parseBenchFile } from '../../../drivers/bench/bench-file.ts';
import { openBench } from '../../../drivers/bench/open-bench.ts';
import { startSim, type SimProcess } from './sim-process.ts';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));

/** The written file with the commented block for simulator role `simRole` put in place of the entry it replaces. */
function withAlternate(text: string, simRole: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes(`simulator role '${simRole}'`));
  if (at < 0) throw new Error(`no alternate for '${simRole}' in the bench file`);
  const block: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('#   ') || l.startsWith('#   #')) break;
    block.push(l.slice(2));
  }
  const replaced = (/^ {2}(\w+):/.exec(block[0] ?? '') ?? [])[1];
  const live = lines.filter((l) => !l.startsWith('#'));
  const start = live.indexOf(`  ${replaced}:`);
  let end = start + 1;
  while (end < live.length && (live[end] ?? '').startsWith('    ')) end++;
  live.splice(start, end - start, ...block);
  return live.join('\n');
}

describe('the bench file written by benchctl sim', () => {
  let sim: SimProcess | undefined;
  let bench: Bench | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await bench?.close();
    bench = undefined;
    await sim?.kill();
    sim = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('opens with the drivers over TCP, and its ESP301 alternate moves the stage over the pty', async () => {
    dir = mkdtempSync(join(tmpdir(), 'benchctl-written-bench-'));
    const file = join(dir, 'bench.yaml');
    sim = await startSim(['--port-base', '0', '--seed', '3', '--write-bench', file]);

    bench = await openBench(file);
    expect(bench.roles.sort()).toEqual(['bert', 'bert-pam4', 'laser', 'meter', 'meter-array', 'stage', 'stage-hexapod', 'voa']);
    expect(bench.identities()).toMatchObject({ laser: expect.stringMatching(/N7778C/), stage: expect.stringMatching(/Physik Instrumente/) });
    expect(bench.stage.softLimits('Z').min_um).toBeGreaterThan(5005);
    await bench.close();
    bench = undefined;

    const config = parseBenchFile(withAlternate(readFileSync(file, 'utf8'), 'stage-esp'), { file: 'esp301 variant' });
    expect(config.instruments.find((i) => i.role === 'stage')?.resource).toBe(sim.pty['stage-esp']);
    bench = await openBench(config);
    expect(bench.identities()['stage']).toMatch(/^ESP301 Version 3/);
    await bench.stage.moveAbsolute_um('X', 1234.5);
    await bench.stage.waitForMotion();
    expect(await bench.stage.position_um('X')).toBeCloseTo(1234.5, 0);
    await bench.close();
    bench = undefined;

    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });

  it('is what `benchctl run --bench FILE` takes: a short sequence runs against the served simulator and passes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'benchctl-written-bench-'));
    const file = join(dir, 'bench.yaml');
    sim = await startSim(['--port-base', '0', '--seed', '5', '--no-pty', '--write-bench', file]);
    const seq = join(dir, 'measure.yaml');
    writeFileSync(seq, 'sequence: measure\nmetadata: { dut: SIM-CHIP, operator: test }\n' +
      'steps:\n  - set: { laser.output: on }\n  - measure: { channels: [1, 2], samples: 2 }\n' +
      'limits:\n  - { measurement: power_ch2_dBm, min: -120dBm }\n');
    const out = join(dir, 'runs');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [BENCHCTL, 'run', seq, '--bench', file, '--out', out], { timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [folder] = readdirSync(out);
    const record = JSON.parse(readFileSync(join(out, folder ?? '', 'run.json'), 'utf8')) as { status: string; bench?: unknown };
    expect(record.status).toBe('passed');
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
  });
});
