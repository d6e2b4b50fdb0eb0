// Where X goes last (array-final-x.ts): each channel's level at the solved pose carried along its own X
// fit, against a brute-force optimum of the same synthetic channels.
import { describe, expect, it } from 'vitest';
import type { ChannelLineFit } from '../../../../sequences/steps/align/array-fly-search.ts';
import { finalX } from '../../../../sequences/steps/align/array-final-x.ts';
import { scoreOf } from '../../../../sequences/steps/align/array-search.ts';

/** A channel peaking at x0 with curvature k (dB/µm²), fitted about centre 0 and read `level` dB at xNow. */
function fit(index: number, x0: number, k: number): ChannelLineFit {
  return { index, a: -k * x0 * x0, b: 2 * k * x0, c: -k, centre: 0, peak: x0, peak_dBm: 0 };
}

describe('the final X (array-final-x)', () => {
  const fits = [fit(0, -0.3, 0.32), fit(1, 0.25, 0.32), fit(2, 0.1, 0.3)];
  const xNow = 0.05;
  const dB = (x: number, levels: number[]): number[] => fits.map((g, i) => (levels[i] as number) - g.c * ((xNow - g.peak) ** 2 - (x - g.peak) ** 2));

  it('goes where the weakest (plus the mean) peaks at the solved levels: towards the weak channel', () => {
    for (const levels of [[-3, -1, -1], [-1, -3, -1], [-1, -1, -1]]) {
      let brute = { x: 0, s: -Infinity };
      for (let x = -4; x <= 4; x += 1e-4) {
        const s = scoreOf(dB(x, levels), 'min');
        if (s > brute.s) brute = { x, s };
      }
      expect(finalX(levels, fits, xNow, { channels: [0, 1, 2], objective: 'min' }, -4, 4)).toBeCloseTo(brute.x, 1);
    }
    // Channel 0 (peaking at −0.3) weakest: X leans to it; channel 1 (at +0.25) weakest: the other way.
    const goal = { channels: [0, 1, 2], objective: 'min' as const };
    expect(finalX([-3, -1, -1], fits, xNow, goal, -4, 4)).toBeLessThan(finalX([-1, -3, -1], fits, xNow, goal, -4, 4));
  });

  it('keeps within the X line\'s span, and stays put without a level', () => {
    const goal = { channels: [0, 1], objective: 'sum' as const };
    expect(finalX([-1, -1, -1], fits, xNow, goal, 0.1, 4)).toBeCloseTo(0.1, 9);
    expect(finalX([Number.NaN, -1, -1], fits, xNow, goal, -4, 4)).toBe(xNow);
  });
});
