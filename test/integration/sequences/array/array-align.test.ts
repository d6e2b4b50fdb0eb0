// The fiber-array align step through the engine: the library sequence on the in-process simulator
// (every channel near its own optimum, gap, tip and tilt each swept by a line, the records written),
// over TCP against a served simulator, and the validation errors for a channel the meter lacks and a
// loopback the bench does not declare.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../../sequences/records/run-record.ts';
import { prepareRun, type PreparedRun } from '../../../../sequences/runner.ts';
import { simBenchFileYaml } from '../../../../sim/link/bench-file.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';
import { runBenchctl } from '../../cli/run-benchctl.ts';
import { FLY_ROUNDS } from '../../../../sequences/steps/align/array-fly-align.ts';

const LIBRARY = join(import.meta.dirname, '../../../../sequences/library');
let dir: string;
let run: PreparedRun | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-array-'));
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const SEQ = (align: string): string => `sequence: bad-array
metadata: { dut: X }
steps:
  - set: { laser.output: on, voa.output: on }
  - align: ${align}
`;

describe('align with a fiber array', () => {
  it('array-align.yaml aligns all eight channels on the simulator and records each against its own optimum', async () => {
    run = await prepareRun({ sequenceFile: join(LIBRARY, 'array-align.yaml'), set: ['hold=5s'], outDir: join(dir, 'runs'), bench: { sim: true, seed: 4, realtime: false } });
    const result = await run.engine.run();
    expect(result.status).toBe('passed');
    const record = JSON.parse(readFileSync(join(run.recorder.folder, 'run.json'), 'utf8')) as RunRecord;
    const step = record.steps.find((s) => s.stepId === 'align');
    expect(Object.keys(step?.measurements ?? {})).toEqual(expect.arrayContaining(['min_channel_power_dBm', 'roll_deg', 'tip_deg', 'tilt_deg', 'gap_um']));
    expect(Object.keys(step?.fits ?? {})).toHaveLength(8);
    const rows = parse(readFileSync(join(run.recorder.folder, 'align_channels.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r['channel']))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of rows) {
      expect(Number(r['shortfall_dB'])).toBeGreaterThanOrEqual(0);
      expect(Number(r['shortfall_dB'])).toBeLessThan(0.5);
      expect(Number(r['best_dBm']) - Number(r['power_dBm'])).toBeCloseTo(Number(r['shortfall_dB']), 5);
    }
    const scan = readFileSync(join(run.recorder.folder, 'align_array_scan.csv'), 'utf8');
    expect(scan).toMatch(/phase,x_um,y_um,z_um,u_deg,v_deg,w_deg,power_ch1_dBm,.*power_ch8_dBm/);
    expect(scan).toMatch(/first-light/);
    // Every listed axis is peaked by a line of its own: gap, tip and tilt each swept across their span
    // among the joint lines (FLY_ROUNDS: ±12 µm, ±0.2°, ±0.15°; the gap line may be cut short by the Z
    // limit), not left where the start put them.
    const joint = (parse(scan, { comment: '#', columns: true }) as Record<string, string>[]).filter((r) => r['phase'] === 'joint');
    const swept = (col: string): number => {
      const v = joint.map((r) => Number(r[col]));
      return Math.max(...v) - Math.min(...v);
    };
    const span = (axis: string): number => 2 * (FLY_ROUNDS.find(([a]) => a === axis)?.[1] ?? Number.NaN);
    expect(swept('z_um')).toBeGreaterThan(0.5 * span('Z'));
    expect(swept('u_deg')).toBeGreaterThan(0.8 * span('U'));
    expect(swept('v_deg')).toBeGreaterThan(0.8 * span('V'));
  }, 60_000);

  it('refuses a channel the meter does not have and a loopback the bench does not declare, before anything moves', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, SEQ('{ channels: [1, 9], loopback: [2, 7] }'));
    const err = await prepareRun({ sequenceFile: file, set: [], outDir: join(dir, 'runs'), bench: { sim: true, seed: 1, realtime: false } })
      .then((r) => {
        run = r;
        return null;
      }, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/steps\[1\]\.align\.channels\[1\]: meter 'meter-array' has no channel 9 \(it has 1, 2, 3, 4, 5, 6, 7, 8\)/);
    expect(msg).toMatch(/steps\[1\]\.align\.loopback: stage 'stage-hexapod' declares no loopback \[2, 7\] \(its loopbacks: \[1, 8\]\)/);
  });

  it('refuses a stage that is not a hexapod and bad bodies with the field named', async () => {
    const file = join(dir, 'bad2.yaml');
    writeFileSync(file, SEQ('{ channels: [1, 1], axes: [X, Q], objective: max }'));
    const err = await prepareRun({ sequenceFile: file, set: [], outDir: join(dir, 'runs'), bench: { sim: true, seed: 1, realtime: false } }).catch((e: unknown) => e);
    const msg = (err as Error).message;
    expect(msg).toMatch(/align\.channels: expected each channel once/);
    expect(msg).toMatch(/align\.axes\[1\]: expected pose axes among X, Y, Z, U, V, W/);
    expect(msg).toMatch(/align\.objective: expected min or sum/);
    writeFileSync(file, SEQ('{ channels: [1, 8], stage: stage }'));
    const err2 = await prepareRun({ sequenceFile: file, set: [], outDir: join(dir, 'runs'), bench: { sim: true, seed: 1, realtime: false } })
      .then(async (r) => {
        run = r;
        return (await r.engine.run()).status;
      }, (e: unknown) => e);
    // The SCPI stage declares no loopbacks: refused at validation.
    expect((err2 as Error).message).toMatch(/stage 'stage' declares no loopback pair for first light/);
  });

  it('runs over TCP against the served simulator (benchctl run --bench)', async () => {
    const sim = new VirtualBench({ seed: 2, mode: 'fast' });
    try {
      const served = await sim.serveTcp({ portBase: 0 });
      const bench = join(dir, 'bench.yaml');
      writeFileSync(bench, simBenchFileYaml({ seed: 2, mode: 'fast', tcp: Object.fromEntries(sim.roles.map((r) => [r, served.resource(r)])) }));
      const out = await runBenchctl(['run', join(LIBRARY, 'array-align.yaml'), '--bench', bench, '--set', 'hold=1s', '--out', join(dir, 'runs')], { timeout_ms: 90_000 });
      expect(out.stderr + out.stdout).toMatch(/PASS align min_channel_power_dBm/);
      expect(out.code).toBe(0);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
