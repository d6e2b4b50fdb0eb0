// The align step against the simulated bench in-process, through the real drivers: it must find the
// hidden optimum of several seeded worlds, fail loudly when there is no light, surface a stalled axis,
// honour pause and abort, and re-peak when tracking sees the chip drift away.
import { afterEach, describe, expect, it } from 'vitest';
import { MotionTimeoutError } from '../../../../drivers/roles/stage.ts';
import { alignStep } from '../../../../sequences/steps/align/align-step.ts';
import { NoLightError } from '../../../../sequences/steps/align/errors.ts';
import { stepDefinition } from '../../../../sequences/steps/index.ts';
import { memoryContext } from '../../../bench/align/bench-context.ts';
import type { MemoryContext } from '../../../bench/align/bench-context.ts';
import { goToSite, openAlignSim } from '../../../bench/align/sim-bench.ts';
import type { AlignSim, StageFrontEnd } from '../../../bench/align/sim-bench.ts';

let open: AlignSim[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function setup(seed: number, o: { laserOn?: boolean; drift_um_per_h?: number; stage?: StageFrontEnd; tcp?: boolean } = {}): Promise<AlignSim & { ctx: MemoryContext }> {
  const s = await openAlignSim({ seed, ...o });
  open.push(s);
  await goToSite(s.bench, 0);
  return { ...s, ctx: memoryContext(s.sim, s.bench) };
}

/** Power at the true optimum, read with long averaging after approaching it as the aligner does. */
async function truePeak_dBm(s: AlignSim): Promise<{ x_um: number; y_um: number; power_dBm: number }> {
  const opt = s.sim.truth().optical.optimaNow_um[0]!;
  await s.bench.stage.moveAbsolute_um({ X: opt.x_um - 5, Y: opt.y_um - 5 });
  await s.bench.stage.waitForMotion();
  await s.bench.stage.moveAbsolute_um({ X: opt.x_um, Y: opt.y_um });
  await s.bench.stage.waitForMotion();
  await s.bench.meter.setAveragingTime_s(1, 0.5);
  return { x_um: opt.x_um, y_um: opt.y_um, power_dBm: await s.bench.meter.readPower_dBm(1) };
}

describe('align step on the simulated bench', () => {
  it('is registered, and its tables and measurements carry units', () => {
    expect(stepDefinition('align')).toBe(alignStep);
    const p = alignStep.schema.parse({ track: { every: '10s', drop: '0.5dB', for: '1h' } });
    expect(alignStep.tables(p).map((t) => t.name)).toEqual(['align_scan', 'align_track']);
    expect(alignStep.tables(p)[0]?.columns).toEqual(['x_um', 'y_um', 'power_dBm', 'phase']);
    expect(alignStep.measurements?.(p)).toMatchObject({ power_dBm: 'dBm', x_um: 'um', tolerance_1dB_um: 'um', time_s: 's' });
  });

  it.each([1, 2, 5])('finds the hidden optimum of seed %i with the defaults (fly spiral and lines) on the stage\'s own slow ramps', async (seed) => {
    const s = await setup(seed);
    const out = await alignStep.run(s.ctx, alignStep.schema.parse({ search_radius: '35um' }));
    const m = out.measurements;
    const truth = await truePeak_dBm(s);
    expect(Math.hypot(m.x_um!.value - truth.x_um, m.y_um!.value - truth.y_um)).toBeLessThan(0.3);
    expect(Math.abs(m.power_dBm!.value - truth.power_dBm)).toBeLessThan(0.05);
    // 20 mm/s² ramps (the simulated stage's default): under a second of bench time.
    expect(m.time_s!.value).toBeLessThan(1);
    expect(m.time_s!.value).toBeGreaterThan(0.1);
    // The loopback's profile radius √((5.2² + w_chip²)/2), w_chip 4.6–5.8 µm; the chip mode back from it.
    expect(m.profile_radius_um!.value).toBeGreaterThan(4.7);
    expect(m.profile_radius_um!.value).toBeLessThan(5.7);
    const site = s.sim.truth().optical.sites[0]!;
    expect(Math.abs(m.mode_radius_um!.value - site.chipModeRadius_um)).toBeLessThan(0.5);
    expect(m.tolerance_1dB_um!.value).toBeCloseTo(m.profile_radius_um!.value * Math.sqrt(Math.LN10 / 20), 9);
    expect(m.readings!.value).toBe(s.ctx.rows.length + 1); // every logged sample recorded, plus the final reading
    expect(s.ctx.fits[0]?.model).toBe('gaussian2d');
    expect(s.ctx.fits[0]?.result.rSquared).toBeGreaterThan(0.99);
    const phases = new Set(s.ctx.rows.map((r) => r.row['phase']));
    expect(phases).toEqual(new Set(['first-light', 'fine', 'approach']));
  });

  it.each(['scpi', 'esp301', 'pi'] as const)('aligns through the %s stage dialect with fast ramps, and puts the stage\'s own back', async (stage) => {
    // The dialects differ in command latency (ESP301 1 ms, the others 0.2 ms): fly timing must not care.
    const s = await setup(3, { stage });
    const before = [await s.bench.stage.trajectory('X'), await s.bench.stage.trajectory('Y')];
    const out = await alignStep.run(s.ctx, alignStep.schema.parse({ fly_acceleration: '200mm/s2', final_averaging: '10ms' }));
    expect([await s.bench.stage.trajectory('X'), await s.bench.stage.trajectory('Y')]).toEqual(before);
    const truth = await truePeak_dBm(s);
    expect(Math.hypot(out.measurements.x_um!.value - truth.x_um, out.measurements.y_um!.value - truth.y_um)).toBeLessThan(0.3);
    expect(Math.abs(out.measurements.power_dBm!.value - truth.power_dBm)).toBeLessThan(0.05);
    expect(out.measurements.time_s!.value).toBeLessThan(0.6);
  });

  it.each([
    ['step-and-read raster, gradient', { fly: 'off', fine: 'gradient' }],
    ['step-and-read spiral, simplex', { fly: 'off', first_light: 'spiral', fine: 'simplex' }],
    ['step-and-read raster, grid fit', { fly: 'off', fine: 'fit' }],
    ['fly square spiral, gradient', { first_light: 'spiral', fine: 'gradient' }],
  ])('aligns with %s', async (_name, body) => {
    const s = await setup(3);
    const out = await alignStep.run(s.ctx, alignStep.schema.parse({ ...body, max_time: '120s' }));
    const truth = await truePeak_dBm(s);
    expect(Math.hypot(out.measurements.x_um!.value - truth.x_um, out.measurements.y_um!.value - truth.y_um)).toBeLessThan(0.4);
    expect(Math.abs(out.measurements.power_dBm!.value - truth.power_dBm)).toBeLessThan(0.08);
  });

  it.each([4, 7])('seed %i over TCP with the step on wall time (benchctl run --bench against benchctl sim): aligns by step-and-read, on the peak', async (seed) => {
    // The served simulator keeps its own virtual clock; the step's clock is the host's, as when a bench
    // is opened from a bench file. Fly samples cannot be timed by it: the first log shows that, and the
    // alignment goes on by step-and-read instead of reporting a peak micrometres off (or 43 dB down).
    const s = await setup(seed, { tcp: true });
    const t0 = performance.now();
    s.ctx.now_s = () => (performance.now() - t0) / 1000;
    const out = await alignStep.run(s.ctx, alignStep.schema.parse({ search_radius: '35um' }));
    expect(out.notes?.some((n) => /aligned by step-and-read, not fly scans: the step's clock does not follow the instruments/.test(n))).toBe(true);
    expect(s.ctx.warnings.some((w) => /^align: aligned by step-and-read, not fly scans/.test(w))).toBe(true);
    const truth = await truePeak_dBm(s);
    expect(Math.hypot(out.measurements.x_um!.value - truth.x_um, out.measurements.y_um!.value - truth.y_um)).toBeLessThan(0.4);
    expect(Math.abs(out.measurements.power_dBm!.value - truth.power_dBm)).toBeLessThan(0.08);
  });

  it('fails with NoLightError when the laser is off, after covering the area', async () => {
    const s = await setup(2, { laserOn: false });
    const run = alignStep.run(s.ctx, alignStep.schema.parse({}));
    await expect(run).rejects.toThrow(NoLightError);
    await expect(run).rejects.toThrow(/no light found in the spiral search of radius 35 µm/);
    expect(s.ctx.rows.length).toBeGreaterThan(1000); // the whole area was flown
  });

  it('fails with NoLightError when the search centre is far from the chip', async () => {
    const s = await setup(2);
    const here = await s.bench.stage.positions_um();
    const p = alignStep.schema.parse({ fly: 'off', center: { X: `${here['X']! + 150}um`, Y: `${here['Y']!}um` }, search_radius: '20um' });
    await expect(alignStep.run(s.ctx, p)).rejects.toThrow(NoLightError);
  });

  it('a stalled axis surfaces as the stage error naming it', async () => {
    const s = await setup(4);
    s.sim.faults.stallStage('X');
    const err = await alignStep.run(s.ctx, alignStep.schema.parse({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MotionTimeoutError);
    expect((err as MotionTimeoutError).axes).toEqual(['X']);
    expect((err as Error).message).toMatch(/axis X still moving/);
  });

  it('stops at a checkpoint when aborted mid-scan, and puts the stage\'s velocity and acceleration back', async () => {
    const s = await setup(1);
    const before = await s.bench.stage.trajectory('X');
    const inner = s.ctx.checkpoint;
    s.ctx.checkpoint = async () => {
      // After the first fly segment: the abort lands on the second's checkpoint.
      if (s.ctx.checkpoints === 1) s.ctx.controller.abort();
      return inner();
    };
    await expect(alignStep.run(s.ctx, alignStep.schema.parse({ fly_acceleration: '150mm/s2' }))).rejects.toMatchObject({ name: 'AbortError' });
    const rows = s.ctx.rows.length;
    expect(rows).toBeGreaterThan(0);
    expect(s.ctx.rows.every((r) => r.row['phase'] === 'first-light')).toBe(true);
    expect(await s.bench.stage.trajectory('X')).toEqual(before);
    expect(s.ctx.warnings).toEqual([]);
  });

  it('holds still while paused and finishes the same alignment after resuming', async () => {
    const s = await setup(1);
    const inner = s.ctx.checkpoint;
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let pausedAt = -1;
    s.ctx.checkpoint = async () => {
      if (s.ctx.checkpoints === 2) {
        pausedAt = s.sim.benchTime_s();
        await paused;
      }
      return inner();
    };
    const run = alignStep.run(s.ctx, alignStep.schema.parse({}));
    await new Promise((r) => setTimeout(r, 200));
    expect(pausedAt).toBeGreaterThan(0);
    const rowsWhilePaused = s.ctx.rows.length;
    expect(s.sim.benchTime_s()).toBe(pausedAt); // nothing moved or read while paused
    release();
    const out = await run;
    expect(s.ctx.rows.length).toBeGreaterThan(rowsWhilePaused);
    const truth = await truePeak_dBm(s);
    expect(Math.abs(out.measurements.power_dBm!.value - truth.power_dBm)).toBeLessThan(0.05);
  });

  it('tracking re-peaks as the chip drifts, and keeps the power within the margin', async () => {
    // 1 µm/s of drift: a fiber aligned once would lose ~10 dB in 10 s.
    const s = await setup(6, { drift_um_per_h: 3600 });
    const p = alignStep.schema.parse({ track: { every: '2s', drop: '0.5dB', for: '30s' } });
    const out = await alignStep.run(s.ctx, p);
    const track = s.ctx.rows.filter((r) => r.table === 'align_track').map((r) => r.row);
    expect(track.length).toBeGreaterThanOrEqual(10);
    const realigned = track.filter((r) => r['realigned'] === true);
    expect(realigned.length).toBeGreaterThanOrEqual(2);
    // The optimum moved tens of µm-seconds; the reported position follows it.
    const opt = s.sim.truth().optical.optimaNow_um[0]!;
    expect(Math.hypot(out.measurements.x_um!.value - opt.x_um, out.measurements.y_um!.value - opt.y_um)).toBeLessThan(3);
    expect(out.notes?.some((n) => /tracking: \d+ re-alignments/.test(n))).toBe(true);
  });
});
