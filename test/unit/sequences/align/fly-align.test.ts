// The fly-scan alignment end to end on a synthetic bench (fake-fly-bench.ts): trapezoid moves on a
// virtual clock, mechanical play, a noisy meter logging at the fiber's true position. It must land the
// fiber (its true position, play included) on the peak from anywhere in the search area, put the
// user's ramps back whatever happens, and surface a stalled axis.
import { describe, expect, it } from 'vitest';
import { MotionTimeoutError } from '../../../../drivers/roles/stage.ts';
import { runAlignment } from '../../../../sequences/steps/align/align-run.ts';
import { NoLightError } from '../../../../sequences/steps/align/errors.ts';
import { AlignRig } from '../../../../sequences/steps/align/rig.ts';
import { alignSchema } from '../../../../sequences/steps/align/schema.ts';
import { FakeFlyBench } from './fake-fly-bench.ts';
import type { FakeFlyOptions } from './fake-fly-bench.ts';

const peak = { x_um: 1000, y_um: 2000 };

function rigOn(bench: FakeFlyBench) {
  const ctx = bench.context();
  const rig = new AlignRig(ctx, bench.stage, bench.meter, {
    axes: ['X', 'Y'], channel: 1, fly_velocity_um_s: 10_000, fly_acceleration_um_s2: 200_000, sample_time_s: 4e-4, max_time_s: 30,
  });
  return { ctx, rig };
}

async function align(o: Partial<FakeFlyOptions> & { start: FakeFlyOptions['start'] }, body: Record<string, unknown> = {}) {
  const bench = new FakeFlyBench({ peak, ...o });
  const { ctx, rig } = rigOn(bench);
  const p = alignSchema.parse({ fly_acceleration: '200mm/s2', final_averaging: '10ms', ...body });
  const result = await runAlignment(rig, p, o.start);
  return { bench, ctx, rig, result };
}

describe('fly alignment on a synthetic bench with mechanical play', () => {
  it.each([
    [{ x_um: 1000 + 22, y_um: 2000 - 17 }, 0.3],
    [{ x_um: 1000 - 28, y_um: 2000 + 3 }, 0.2],
    [{ x_um: 1000 + 6, y_um: 2000 + 29 }, 0.3],
    [{ x_um: 1000 - 12, y_um: 2000 - 26 }, 0.25],
  ])('from %j with %f µm of play, the fiber ends within 0.1 µm of the peak', async (start, backlash_um) => {
    const { bench, result } = await align({ start, backlash_um, seed: Math.round(start.x_um + start.y_um) });
    const fiber = bench.fiber();
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeLessThan(0.1);
    expect(result.profileRadius_um).toBeCloseTo(5.2, 0);
    expect(result.fit?.rSquared).toBeGreaterThan(0.98);
    // Fast on these ramps: first light, a few lines, the final reading.
    expect(result.time_s).toBeLessThan(0.5);
  });

  it('also with the raster first light', async () => {
    const { bench } = await align({ start: { x_um: 1000 + 14, y_um: 2000 + 21 }, backlash_um: 0.3 }, { first_light: 'raster' });
    const fiber = bench.fiber();
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeLessThan(0.1);
  });

  it('misses by about the play when the final move ignores the direction the peak was measured in', async () => {
    // The same run, then the fiber sent to the fitted centre from the other side on both axes. Having come
    // in moving d, the fiber stands d·play/2 short of its motor: d = −sign(fiber − centre).
    const { bench, rig, result } = await align({ start: { x_um: 1000 + 22, y_um: 2000 - 17 }, backlash_um: 0.6, seed: 3 });
    expect(result.notes).toEqual([]);
    const c = result.position;
    const dx = -Math.sign(bench.fiber().x_um - c.x_um), dy = -Math.sign(bench.fiber().y_um - c.y_um);
    await rig.moveTo({ x_um: c.x_um + 3 * dx, y_um: c.y_um + 3 * dy });
    await rig.moveTo(c);
    const fiber = bench.fiber();
    // About the play on each axis: √2 · 0.6 µm.
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeGreaterThan(0.6);
  });

  it.each([0.5e-3, 1.5e-3])('finds and takes out a fly timing error of %f s (stage starting late), play or not', async (lag) => {
    // One-way lines then see the peak lag × velocity (1–6 µm) off; the approach back over the peak shows it.
    const { bench, rig, result } = await align({ start: { x_um: 1000 + 22, y_um: 2000 - 17 }, moveLag_s: lag, backlash_um: 0.2 });
    const fiber = bench.fiber();
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeLessThan(0.25);
    expect(result.notes.some((n) => /fly timing corrected by/.test(n))).toBe(true);
    expect(rig.lag_s).toBeCloseTo(lag, 3);
  });

  it('when even the timing fit cannot explain the final power, re-peaks with out-and-back pairs', async () => {
    const { bench, result } = await align({ start: { x_um: 1000 + 22, y_um: 2000 - 17 }, moveLag_s: 3e-3, backlash_um: 0.2 });
    const fiber = bench.fiber();
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeLessThan(0.3);
    expect(result.notes.some((n) => /re-peaked with out-and-back pairs/.test(n))).toBe(true);
  });

  it.each([0.2, 0.6, 1])('takes %f µm of play for play, not for a timing error: no correction, no extra lines', async (backlash_um) => {
    const { bench, result } = await align({ start: { x_um: 1000 + 22, y_um: 2000 - 17 }, backlash_um, seed: 4 });
    expect(result.notes).toEqual([]);
    const fiber = bench.fiber();
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeLessThan(0.1);
  });

  it('hands each fly segment\'s samples over in one write (ctx.points), and row by row where the context has no points()', async () => {
    const run = async (burst: boolean) => {
      const bench = new FakeFlyBench({ peak, start: { x_um: 1000 + 12, y_um: 2000 - 9 } });
      const ctx = bench.context({ burst });
      const rig = new AlignRig(ctx, bench.stage, bench.meter, {
        axes: ['X', 'Y'], channel: 1, fly_velocity_um_s: 10_000, fly_acceleration_um_s2: 200_000, sample_time_s: 4e-4, max_time_s: 30,
      });
      const result = await runAlignment(rig, alignSchema.parse({ fly_acceleration: '200mm/s2', final_averaging: '10ms' }), { x_um: 1012, y_um: 1991 });
      return { ctx, rig, result };
    };
    const burst = await run(true);
    expect(burst.ctx.rows).toBe(burst.rig.loggedSamples);
    expect(burst.ctx.writes).toBe(burst.rig.segmentsFlown);
    const rowByRow = await run(false);
    expect(rowByRow.ctx.writes).toBe(rowByRow.ctx.rows);
    // The same alignment either way.
    expect(rowByRow.ctx.rows).toBe(burst.ctx.rows);
    expect(rowByRow.result.position).toEqual(burst.result.position);
  });

  it('sets the fly ramps for the alignment and puts the user\'s back afterwards', async () => {
    const { bench } = await align({ start: { x_um: 1000 + 5, y_um: 2000 + 5 } });
    expect(bench.axes.X.velocity_um_s).toBe(2000);
    expect(bench.axes.Y.acceleration_um_s2).toBe(20_000);
    expect(bench.log).toContain('acc X 200000');
    expect(bench.log).toContain('vel Y 10000');
    expect(bench.log.at(-1)).toBe('acc Y 20000');
  });

  it('puts the user\'s ramps back when there is no light, and fails naming the search', async () => {
    const bench = new FakeFlyBench({ peak: { x_um: 5000, y_um: 5000 }, start: { x_um: 0, y_um: 0 } });
    const { rig } = rigOn(bench);
    const run = runAlignment(rig, alignSchema.parse({ fly_acceleration: '200mm/s2' }), { x_um: 0, y_um: 0 });
    await expect(run).rejects.toThrow(NoLightError);
    await expect(run).rejects.toThrow(/no light found in the spiral search of radius 35 µm/);
    expect([bench.axes.X.velocity_um_s, bench.axes.X.acceleration_um_s2, bench.axes.Y.velocity_um_s]).toEqual([2000, 20_000, 2000]);
  });

  it('a stalled axis surfaces as the stage\'s MotionTimeoutError naming it, ramps put back', async () => {
    const bench = new FakeFlyBench({ peak, start: { x_um: 1010, y_um: 2010 } });
    bench.axes.Y.stalled = true;
    const { rig } = rigOn(bench);
    const err = await runAlignment(rig, alignSchema.parse({ fly_acceleration: '200mm/s2' }), { x_um: 1010, y_um: 2010 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MotionTimeoutError);
    expect((err as MotionTimeoutError).axes).toEqual(['Y']);
    expect(bench.axes.Y.velocity_um_s).toBe(2000);
  });

  it('an axis that stalls on a dark first-light leg surfaces as MotionTimeoutError, not as "no light"', async () => {
    // First light's legs are confirmed at the end, not one by one: a stall on any of them still shows.
    const bench = new FakeFlyBench({ peak: { x_um: 5000, y_um: 5000 }, start: { x_um: 0, y_um: 0 } });
    bench.axes.X.stalled = true;
    const { rig } = rigOn(bench);
    const err = await runAlignment(rig, alignSchema.parse({ fly_acceleration: '200mm/s2' }), { x_um: 0, y_um: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MotionTimeoutError);
    expect((err as MotionTimeoutError).axes).toEqual(['X']);
  });
});
