// The height plane on a tilted simulated wafer (seed 3: z0 +4.2 µm, slopes ∓1.5e-4; best heights 5023–5028 µm
// over these dies): the library's wafer.yaml (its align's height scan reports each site's best height) over
// eight dies spread across the wafer, in-process through the real engine. Once heights are known, each goto
// approaches its site at the plane's predicted height (not the loop's fixed `height`), those predictions lie
// closer to the simulator's true best heights than that fixed height does, and run.json's placement carries
// the plane and its residuals.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { benchInfoOf, createRun, type OpenedBench } from '../../../sequences/runner.ts';
import { loadSequenceText } from '../../../sequences/schema/load.ts';
import { openSimBench } from '../../../sequences/sim-bench.ts';
import type { DieFinishedEventBody } from '../../../sequences/wafer-events.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';

const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));
const SEED = 3;
const FIXED_HEIGHT_UM = 5020;
const DIES = [['C03R03', 'reference'], ['C16R03', 'reference'], ['C09R16', 'reference'], ['C03R16', 'test'], ['C16R16', 'test'], ['C09R09', 'test'], ['C05R10', 'test'], ['C14R08', 'test']] as const;

interface Approach {
  key: string;
  /** The height the site's goto moved the fiber to (its log), µm. */
  z_um: number;
  /** The site's true best height then (simulator truth), µm. */
  trueZ_um: number;
}

interface WaferRun {
  approaches: Approach[];
  finished: DieFinishedEventBody[];
  record: RunRecord;
  zMin_um: number;
}

let dir: string;
let run: WaferRun;

/** The library's wafer.yaml (site A only) over `dies` on the simulated wafer of SEED, with `set` overrides. */
async function runWafer(name: string, dies: readonly (readonly [string, string])[], set: string[] = []): Promise<WaferRun> {
  const approaches: Approach[] = [];
  const finished: DieFinishedEventBody[] = [];
  const map = join(dir, `${name}.csv`);
  writeFileSync(map, [`# wafer: ${name}`, '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# centre: 12500um, 12500um', '# site A: -375um, 0um',
    'die,col,row,x_um,y_um,status', ...dies.map(([d, s]) => `${d},${Number(d.slice(1, 3))},${Number(d.slice(4))},,,${s}`), ''].join('\n'));
  const text = readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8').replace('sites: [A, B]', 'sites: [A]');
  const sim = new VirtualBench({ seed: SEED, world: 'wafer', timing: 'lan' });
  const bench = await openSimBench(sim, { closeSimulator: true });
  const on: OpenedBench = { bench, sim, choice: { sim: true, seed: SEED, realtime: false, world: 'wafer' }, now_s: () => sim.clock.now_s(), benchWait: (d) => sim.clock.advance(d) };
  const seq = loadSequenceText(join(LIBRARY, 'wafer.yaml'), text, { baseDir: LIBRARY, set: [`map=${map}`, ...set] });
  const plan = buildPlan(seq, { bench: benchInfoOf(on) });
  const zMin_um = bench.get('stage', 'stage').softLimits('Z').min_um;
  const ready = createRun(on, plan, join(dir, `runs-${name}`));
  ready.engine.on((e: RunEvent) => {
    const ev = e as RunEvent & { stepId?: string; message?: string };
    // The goto's log names where it moved the stage: `stage at X=… µm, Y=… µm, Z=… µm`.
    const z = e.type === 'log' && ev.stepId?.endsWith('/goto') ? /Z=([\d.]+) µm/.exec(ev.message ?? '') : null;
    if (z) {
      const m = /\[(\w+)\.(\w)\]/.exec(ev.stepId as string) as RegExpExecArray;
      approaches.push({ key: `${m[1]}.${m[2]}`, z_um: Number(z[1]), trueZ_um: sim.waferSiteOptimum(m[1] as string, m[2] as string).z_um });
    }
    if (e.type === 'die-finished') finished.push(e as unknown as DieFinishedEventBody);
  });
  try {
    await ready.engine.run();
  } finally {
    await bench.close();
  }
  const record = JSON.parse(readFileSync(join(ready.recorder.folder, 'run.json'), 'utf8')) as RunRecord;
  return { approaches, finished, record, zMin_um };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wafer-height-'));
  run = await runWafer('spread', DIES);
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the height plane on a tilted wafer', () => {
  it('approaches each site at the height the plane predicted for it, kept inside the Z soft limit', () => {
    const { approaches, finished, zMin_um } = run;
    expect(approaches.length).toBe(DIES.length);
    const predicted = finished.filter((f) => f.prediction?.predicted_um.z !== undefined);
    // The first site has nothing to predict from; every later one has a plane (its height scan found a height).
    expect(predicted.length).toBeGreaterThanOrEqual(DIES.length - 1);
    for (const f of predicted) {
      const a = approaches.find((x) => x.key === `${f.die}.${f.site}`) as Approach;
      const want = Math.max(zMin_um, f.prediction!.predicted_um.z as number);
      expect(a.z_um, `${a.key}: the goto moved to ${a.z_um} µm, the plane predicted ${want} µm`).toBeCloseTo(want, 2);
    }
    // Not one height for all: the plane follows the tilt.
    const zs = predicted.map((f) => f.prediction!.predicted_um.z as number);
    expect(Math.max(...zs) - Math.min(...zs)).toBeGreaterThan(0.5);
  });

  it('predicts the true best heights better than the loop\'s fixed height does', () => {
    // After the three reference dies, the plane stands on their heights.
    const later = run.approaches.slice(3);
    const err = (v: number[]): number => v.reduce((s, x) => s + Math.abs(x), 0) / v.length;
    const plane = err(later.map((a) => a.z_um - a.trueZ_um));
    const fixed = err(later.map((a) => FIXED_HEIGHT_UM - a.trueZ_um));
    expect(plane, `mean |error| at the predicted height ${plane.toFixed(2)} µm, at ${FIXED_HEIGHT_UM} µm ${fixed.toFixed(2)} µm`).toBeLessThan(fixed - 1);
    expect(plane).toBeLessThan(2.5);
  });

  it('records the fitted plane and its per-site height residuals in run.json', () => {
    const w = run.record.wafer!;
    expect(w.placement?.plane_sites).toBeGreaterThanOrEqual(5);
    expect(w.placement?.plane_rms_um).toBeGreaterThan(0);
    expect(w.placement?.plane.ax).not.toBe(0);
    const withHeight = w.residuals!.filter((r) => r.dz_um !== undefined);
    expect(withHeight.length).toBeGreaterThanOrEqual(5);
    // Every die-site's result carries its height measurement and, once predicted, the height residual.
    for (const r of w.results) expect(r.measurements['align.z_um']?.unit).toBe('um');
    expect(w.results.filter((r) => r.prediction?.residual_um?.z !== undefined).length).toBeGreaterThanOrEqual(DIES.length - 1);
  });
});

describe('a height far off the start', () => {
  it('searches again over search_range, says so, and still finds the best height', async () => {
    // The loop's height 20 µm above this die's best (≈ 5025 µm): the first scan (±8 µm) sees only the profile's flank.
    const r = await runWafer('high', [['C09R09', 'reference']], ['height=5045um']);
    const align = r.record.steps.find((s) => s.stepId.endsWith('/align'))!;
    expect(align.status).toBe('done');
    expect(align.notes?.some((n) => /^height missed: .* scanned again over/.test(n)), JSON.stringify(align.notes)).toBe(true);
    const z = align.measurements?.['z_um']?.value as number;
    const truth = r.approaches[0]!.trueZ_um;
    expect(Math.abs(z - truth), `found ${z} µm, true ${truth} µm`).toBeLessThan(6);
  }, 120_000);
});

describe('heights the plane already knows', () => {
  it('are not scanned again, but for a check every eighth die-site; the goto still approaches at the prediction', async () => {
    // 30 dies over the wafer: after a dozen or so heights the plane knows every site's height to 1 µm.
    const grid: [string, string][] = [];
    for (let row = 4; row <= 16; row += 3) for (let col = 3; col <= 17; col += 3) grid.push([`C${String(col).padStart(2, '0')}R${String(row).padStart(2, '0')}`, grid.length < 3 ? 'reference' : 'test']);
    const r = await runWafer('grid', grid);
    const results = r.record.wafer!.results;
    const skipped = results.filter((x) => x.prediction?.heightScanSkipped === true);
    expect(skipped.length, 'die-sites whose height scan was left out').toBeGreaterThan(5);
    for (const x of skipped) expect(x.measurements['align.z_um'], `${x.die}: skipped, yet measured a height`).toBeUndefined();
    // Never more than seven skipped in a row: the eighth is scanned as a check.
    let run = 0;
    for (const x of results) {
      run = x.prediction?.heightScanSkipped ? run + 1 : 0;
      expect(run).toBeLessThanOrEqual(7);
    }
    for (const x of skipped) {
      const a = r.approaches.find((y) => y.key === `${x.die}.${x.site}`)!;
      expect(a.z_um).toBeCloseTo(Math.max(r.zMin_um, x.prediction!.predicted_um.z as number), 2);
    }
  }, 240_000);
});
