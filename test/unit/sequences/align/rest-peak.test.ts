// The rest peak that finishes software-timed fly scans on links whose exchange time varies (rest-peak.ts):
// the parabola through three readings, when the step decides it is needed, and end to end on the
// synthetic bench with a varying exchange latency, where the fly lines' own estimate is off by more than
// the accuracy asked for and the readings at rest put the fiber (play included) on the peak.
import { describe, expect, it } from 'vitest';
import { runAlignment } from '../../../../sequences/steps/align/align-run.ts';
import type { FlySegment } from '../../../../sequences/steps/align/fly.ts';
import { crossingSpeed_um_s, parabolaTop, restPeakReason } from '../../../../sequences/steps/align/rest-peak.ts';
import { AlignRig } from '../../../../sequences/steps/align/rig.ts';
import { alignSchema } from '../../../../sequences/steps/align/schema.ts';
import { FakeFlyBench } from './fake-fly-bench.ts';

const gaussian_dBm = (x: number, c: number, w: number): number => -20 - (10 / Math.LN10) * (2 * (x - c) ** 2) / (w * w);

describe('parabolaTop', () => {
  it('finds the top of a Gaussian profile exactly from three readings around it', () => {
    const c = 3.37, w = 5;
    const top = parabolaTop(3, 2, [gaussian_dBm(1, c, w), gaussian_dBm(3, c, w), gaussian_dBm(5, c, w)]);
    expect(top.centre_um).toBeCloseTo(c, 9);
  });

  it('gives no top when it lies beyond the readings, or they do not curve down; then points to the brightest', () => {
    const far = parabolaTop(0, 1, [gaussian_dBm(-1, 4, 5), gaussian_dBm(0, 4, 5), gaussian_dBm(1, 4, 5)]);
    expect(far.centre_um).toBeUndefined();
    expect(far.brightest_um).toBe(1);
    const flat = parabolaTop(0, 1, [-20, -21, -20.5]);
    expect(flat.centre_um).toBeUndefined();
    expect(flat.brightest_um).toBe(-1);
    expect(parabolaTop(0, 1, [-Infinity, -20, -21]).centre_um).toBeUndefined();
  });
});

const peak = { x_um: 1000, y_um: 2000 };

function rigOn(bench: FakeFlyBench) {
  return new AlignRig(bench.context(), bench.stage, bench.meter, {
    axes: ['X', 'Y'], channel: 1, fly_velocity_um_s: 10_000, fly_acceleration_um_s2: 200_000, sample_time_s: 4e-4, max_time_s: 30,
  });
}

const segment = (v_um_s: number): FlySegment => ({
  from: { x_um: 0, y_um: 0 }, to: { x_um: 1, y_um: 0 }, along: 'x', duration_s: 1,
  samples: [{ x_um: 0, y_um: 0, vx_um_s: v_um_s, vy_um_s: 0, power_dBm: -20 }, { x_um: 1, y_um: 0, vx_um_s: 10, vy_um_s: 0, power_dBm: -30 }],
});

describe('restPeakReason', () => {
  it('asks for a rest peak only when the measured exchange spread at the crossing speed exceeds the accuracy', async () => {
    const bench = new FakeFlyBench({ peak, start: peak });
    const rig = rigOn(bench);
    const r = { centre: peak, radius_um: 5, notes: [], segments: [segment(1500)] };
    expect(crossingSpeed_um_s(r.segments)).toBe(1500);
    // Constant exchanges (as measured on this bench): software timing is as good as its mean.
    await rig.measureExchanges();
    expect(rig.exchangeSigma_s.meter).toBe(0);
    expect(restPeakReason(rig, true, r, 0.15)).toBeUndefined();
    // 0.2 ms spread × 1500 µm/s = 0.3 µm per line.
    rig.exchangeSigma_s.meter = 2e-4;
    expect(restPeakReason(rig, true, r, 0.15)).toMatch(/0\.20 ms \(1σ\).*1500 µm\/s.*±0\.30 µm/);
    expect(restPeakReason(rig, true, r, 0.5)).toBeUndefined();
    expect(restPeakReason(rig, false, r, 0.15)).toBeUndefined();
    const { segments: _, ...unflown } = r;
    expect(restPeakReason(rig, true, unflown, 0.15)).toBeUndefined();
  });

  it('measures the spread of each link from repeated exchanges when they vary', async () => {
    const bench = new FakeFlyBench({ peak, start: peak, exchangeJitter_s: 1e-3, seed: 4 });
    const rig = rigOn(bench);
    await rig.measureExchanges();
    // Uniform in [0, 1 ms): σ ≈ 0.29 ms; five draws make it loose, but never zero.
    expect(rig.exchangeSigma_s.meter).toBeGreaterThan(5e-5);
    expect(rig.exchangeSigma_s.stage).toBeGreaterThan(5e-5);
  });
});

describe('software-timed fly scans over a link whose latency varies', () => {
  it.each([1, 2, 3])('seed %i: peaks each axis at rest and lands the fiber on the peak, play included', async (seed) => {
    const start = { x_um: 1000 + 17, y_um: 2000 - 23 };
    // Every exchange 0.2–1.4 ms (σ ≈ 0.35 ms): at 1–2 mm/s crossings each line lands its own few tenths of a µm off.
    const bench = new FakeFlyBench({ peak, start, backlash_um: 0.3, exchange_s: 2e-4, exchangeJitter_s: 1.2e-3, seed });
    const rig = rigOn(bench);
    const p = alignSchema.parse({ fly_acceleration: '200mm/s2', final_averaging: '10ms' });
    const result = await runAlignment(rig, p, start);
    const note = result.notes.find((n) => n.startsWith('finished by step-and-read axis peaks'));
    expect(note).toMatch(/software-timed fly logs: the exchanges vary by/);
    const fiber = bench.fiber();
    expect(Math.hypot(fiber.x_um - peak.x_um, fiber.y_um - peak.y_um)).toBeLessThan(0.1);
    // It replaced the timing check and the out-and-back pairs, whose lines are timed the same way.
    expect(result.notes.some((n) => /fly timing corrected|out-and-back/.test(n))).toBe(false);
  });
});
