import { describe, expect, it } from 'vitest';
import { mean, standardDeviation } from 'simple-statistics';
import { FastClock } from '../../../../sim/clock.ts';
import { StageMotion } from '../../../../sim/motion/stage-motion.ts';
import type { AxisConfig } from '../../../../sim/motion/axis-config.ts';

function stage(seed: number, x: Partial<AxisConfig> = {}): { clock: FastClock; motion: StageMotion } {
  const clock = new FastClock();
  return { clock, motion: new StageMotion({ seed, clock, axes: { X: x } }) };
}

async function settleAt(clock: FastClock, motion: StageMotion, target_um: number): Promise<number> {
  const r = motion.moveTo('X', target_um);
  await clock.advanceTo(r.done_s);
  return motion.truePosition_um('X', clock.now_s());
}

describe('backlash', () => {
  it('is drawn per seed within 0.1…0.3 µm, reproducibly', () => {
    const a = stage(7).motion.truth().backlash_um;
    const b = stage(7).motion.truth().backlash_um;
    const c = stage(8).motion.truth().backlash_um;
    expect(a).toEqual(b);
    expect(a.X).not.toBe(c.X);
    for (const v of Object.values(a)) {
      expect(v).toBeGreaterThanOrEqual(0.1);
      expect(v).toBeLessThanOrEqual(0.3);
    }
  });

  it('makes the true position depend on the approach direction by the play', async () => {
    const { clock, motion } = stage(3, { backlashMin_um: 0.2, backlashMax_um: 0.2, repeatabilitySigma_um: 0 });
    await settleAt(clock, motion, 900);
    const fromBelow = await settleAt(clock, motion, 1000);
    await settleAt(clock, motion, 1100);
    const fromAbove = await settleAt(clock, motion, 1000);
    expect(fromAbove - fromBelow).toBeCloseTo(0.2, 9);
    // The encoder (motor side) sees none of it.
    expect(motion.position_um('X')).toBeCloseTo(1000, 1);
  });

  it('swallows a reversal smaller than the play: the fiber does not move', async () => {
    const { clock, motion } = stage(3, { backlashMin_um: 0.2, backlashMax_um: 0.2, repeatabilitySigma_um: 0 });
    const at = await settleAt(clock, motion, 1000);
    const after = await settleAt(clock, motion, 999.9);
    expect(after).toBeCloseTo(at, 9);
    const further = await settleAt(clock, motion, 999.5);
    expect(at - further).toBeCloseTo(0.5 - 0.2, 9);
  });
});

describe('repeatability', () => {
  it('scatters unidirectional returns to one target with the configured σ', async () => {
    const { clock, motion } = stage(11, { backlashMin_um: 0.15, backlashMax_um: 0.15 });
    const ends: number[] = [];
    for (let i = 0; i < 400; i++) {
      await settleAt(clock, motion, 900);
      ends.push(await settleAt(clock, motion, 1000));
    }
    const sigma = motion.truth().repeatabilitySigma_um.X;
    expect(sigma).toBe(0.05);
    expect(standardDeviation(ends)).toBeGreaterThan(0.8 * sigma);
    expect(standardDeviation(ends)).toBeLessThan(1.2 * sigma);
    expect(mean(ends)).toBeCloseTo(1000 - 0.075, 1); // play taken up on the approach side
  });

  it('is reproducible for a seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const { clock, motion } = stage(seed);
      const out: number[] = [];
      for (const t of [100, 250, 120, 3000]) out.push(await settleAt(clock, motion, t));
      return out;
    };
    expect(await run(5)).toEqual(await run(5));
    expect(await run(5)).not.toEqual(await run(6));
  });
});

describe('encoder readback', () => {
  it('reports the target ± one count at the encoder resolution, not the true position', async () => {
    const { clock, motion } = stage(2);
    const offsets = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const target = 1000 + i * 1.234;
      const truth = await settleAt(clock, motion, target);
      const reported = motion.position_um('X');
      const counts = reported / 0.01;
      expect(Math.abs(counts - Math.round(counts))).toBeLessThan(1e-6);
      expect(Math.abs(reported - target)).toBeLessThanOrEqual(0.015 + 1e-9);
      offsets.add(Math.round((reported - Math.round(target / 0.01) * 0.01) / 0.01));
      expect(reported).not.toBe(truth);
    }
    expect([...offsets].sort()).toEqual([-1, 0, 1]); // the servo settles on either neighbouring count too
  });

  it('follows the trajectory while moving', async () => {
    const { clock, motion } = stage(2, { backlashMin_um: 0, backlashMax_um: 0, repeatabilitySigma_um: 0 });
    motion.moveTo('X', 2000);
    await clock.advance(0.55);
    expect(motion.position_um('X')).toBeCloseTo(1000, 2);
  });
});

describe('long histories', () => {
  it('keeps answering after thousands of moves (old history folded away)', async () => {
    const { clock, motion } = stage(9, { backlashMin_um: 0, backlashMax_um: 0, repeatabilitySigma_um: 0 });
    for (let i = 0; i < 5000; i++) await settleAt(clock, motion, (i % 2) * 10 + 100);
    expect(motion.position_um('X')).toBeCloseTo(110, 1);
    const r = motion.moveTo('X', 300);
    expect(motion.truePosition_um('X', (r.start_s + r.done_s) / 2)).toBeGreaterThan(110);
  });
});
