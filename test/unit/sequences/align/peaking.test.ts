import { describe, expect, it } from 'vitest';
import { newtonStep_um, powerSpread_dB, simplexSize_um } from '../../../../sequences/steps/align/convergence.ts';
import { ditherPeak } from '../../../../sequences/steps/align/dither.ts';
import { simplexPeak } from '../../../../sequences/steps/align/simplex.ts';
import { Landscape } from './landscape.ts';

const peak = { x_um: 100.8, y_um: -50.3 };
const starts = [
  { x_um: 103.5, y_um: -52 },
  { x_um: 97, y_um: -47.5 },
  { x_um: 100.8, y_um: -55 },
  { x_um: 95.5, y_um: -50 },
];

describe('convergence helpers', () => {
  it('measure simplex size and power spread', () => {
    expect(simplexSize_um([{ x_um: 0, y_um: 0 }, { x_um: 3, y_um: 4 }, { x_um: 1, y_um: 0 }])).toBe(5);
    expect(powerSpread_dB([-20, -20.5, -19.9])).toBeCloseTo(0.6, 12);
    expect(powerSpread_dB([])).toBe(0);
  });

  it('the Newton step lands on a parabola’s vertex, climbs without curvature, and is clamped', () => {
    // f(x) = −0.64·(x − 1.2)² at x = 0: g = 1.536, h = −1.28 → step 1.2
    expect(newtonStep_um(1.536, -1.28, 5)).toBeCloseTo(1.2, 12);
    expect(newtonStep_um(0.3, 0.1, 2)).toBe(2);
    expect(newtonStep_um(-0.3, 0, 2)).toBe(-2);
    expect(newtonStep_um(0, 0, 2)).toBe(0);
    expect(newtonStep_um(10, -0.1, 3)).toBe(3);
  });
});

describe.each([
  ['dither (gradient)', (l: Landscape, s: { x_um: number; y_um: number }) => ditherPeak(l.evaluate, s)],
  ['simplex (Nelder–Mead)', (l: Landscape, s: { x_um: number; y_um: number }) => simplexPeak(l.evaluate, s)],
])('%s peaking on a synthetic Gaussian landscape', (_name, climb) => {
  it('converges to the peak from a few µm away without noise', async () => {
    for (const s of starts) {
      const l = new Landscape({ peak });
      const r = await climb(l, s);
      expect(r.reason).toBe('converged');
      expect(l.lossAt_dB(r.position)).toBeLessThan(0.02);
    }
  });

  it('gets within 0.1 dB with 2 % reading noise and 0.3 µm of backlash', async () => {
    for (const [i, s] of starts.entries()) {
      const l = new Landscape({ peak, relativeNoise: 0.02, backlash_um: 0.3, seed: 10 + i });
      const r = await climb(l, s);
      expect(l.lossAt_dB(r.position)).toBeLessThan(0.1);
      expect(r.evaluations).toBe(l.readings);
      expect(r.evaluations).toBeLessThan(70);
    }
  });

  it('stops on its budget, not forever, on a landscape with no peak in reach (all floor)', async () => {
    const l = new Landscape({ peak: { x_um: 1e4, y_um: 0 } });
    const r = await climb(l, { x_um: 0, y_um: 0 });
    expect(r.evaluations).toBeLessThan(80);
    expect(r.power_dBm).toBeCloseTo(-70, 6);
  });
});

describe('peaking options', () => {
  it('refuse unusable settings, naming them', async () => {
    const l = new Landscape({ peak });
    await expect(ditherPeak(l.evaluate, peak, { dither_um: 0 })).rejects.toThrow(/dither_um/);
    await expect(simplexPeak(l.evaluate, peak, { initialStep_um: -1 })).rejects.toThrow(/initialStep_um/);
    await expect(simplexPeak(l.evaluate, peak, { maxEvaluations: NaN })).rejects.toThrow(/maxEvaluations/);
  });

  it('dither converges in few readings: a Gaussian is a parabola in dB', async () => {
    const l = new Landscape({ peak });
    const r = await ditherPeak(l.evaluate, starts[0]!);
    expect(r.iterations).toBeLessThanOrEqual(3);
    expect(r.evaluations).toBeLessThanOrEqual(15);
  });
});
