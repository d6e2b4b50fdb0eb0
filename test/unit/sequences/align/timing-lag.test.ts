import { describe, expect, it } from 'vitest';
import { undetermined } from '../../../../sequences/steps/align/finish.ts';
import type { FlySample, FlySegment } from '../../../../sequences/steps/align/fly.ts';
import { fitTiming } from '../../../../sequences/steps/align/timing-lag.ts';

// A Gaussian peak at (0, 0), 1/e² radius 5 µm, 1 mW; the fiber runs `lag` behind its motor and lags it
// by `half` µm in the direction of motion. Each line crosses the peak along one axis at one constant
// speed: its samples are where the motor was, as a one-way estimate places them.
const R = 5, LAG = 0.5e-3, HALF = { x: 0.1, y: 0.15 };
const power_dBm = (x: number, y: number): number => 10 * Math.log10(Math.exp((-2 * (x * x + y * y)) / (R * R)) + 1e-6);

function line(axis: 'x' | 'y', v_um_s: number, other_um: number): FlySegment {
  const samples: FlySample[] = [];
  for (let m = -10; m <= 10; m += 0.25) {
    const d = Math.sign(v_um_s);
    const fiber = m - LAG * v_um_s - HALF[axis] * d;
    const [x, y] = axis === 'x' ? [fiber, other_um] : [other_um, fiber];
    samples.push({
      x_um: axis === 'x' ? m : other_um, y_um: axis === 'y' ? m : other_um,
      vx_um_s: axis === 'x' ? v_um_s : 0, vy_um_s: axis === 'y' ? v_um_s : 0, power_dBm: power_dBm(x, y),
    });
  }
  const from = axis === 'x' ? { x_um: -10 * Math.sign(v_um_s), y_um: other_um } : { x_um: other_um, y_um: -10 * Math.sign(v_um_s) };
  const to = axis === 'x' ? { x_um: -from.x_um, y_um: other_um } : { x_um: other_um, y_um: -from.y_um };
  return { from, to, along: axis, samples, duration_s: 0.01 };
}

const guess = { centre: { x_um: 0.5, y_um: -0.5 }, radius_um: 5 };

describe('fitTiming: lag and play told apart only with a second speed', () => {
  it('every crossing of an axis at one speed each way: the fit is not separable, and the final move does not use it', () => {
    const segments = [line('x', 2000, 0), line('x', -2000, 0), line('y', 2000, 0), line('y', -2000, 0)];
    const fit = fitTiming(segments, -60, guess, { significance: 0, min_s: 0 });
    expect(fit).toBeDefined();
    expect(fit!.separable).toBe(false);
    expect(Math.max(Math.abs(fit!.lagPlayCorrelation.x), Math.abs(fit!.lagPlayCorrelation.y))).toBeGreaterThan(0.95);
    // The fiber's centre is still found (the mean of the two ways)...
    expect(Math.hypot(fit!.centre.x_um, fit!.centre.y_um)).toBeLessThan(0.05);
    // ...but the lag is the priors' split, and the step says so and re-peaks by out-and-back pairs.
    expect(undetermined(fit, true)).toMatch(/cannot tell the stage lag from the play.*correlation/);
    expect(undetermined(fit, false)).toBe(fit!.significant ? undetermined(fit, true) : undefined);
  });

  it('a second speed on each axis separates them: lag and both plays recovered, and the fit is used', () => {
    const segments = [line('x', 2000, 0), line('x', 300, 0), line('x', -2000, 0), line('y', 2000, 0), line('y', 300, 0), line('y', -2000, 0)];
    const fit = fitTiming(segments, -60, guess, { significance: 0, min_s: 0 });
    expect(fit!.separable).toBe(true);
    expect(fit!.lag_s).toBeCloseTo(LAG, 4);
    expect(fit!.halfPlay_um.x).toBeCloseTo(HALF.x, 2);
    expect(fit!.halfPlay_um.y).toBeCloseTo(HALF.y, 2);
    expect(undetermined(fit, true)).toBeUndefined();
  });

  it('no fit, or a lag known worse than 0.1 ms, is undetermined for hardware-started logs only', () => {
    expect(undetermined(undefined, true)).toMatch(/not determined .*no fit/);
    expect(undetermined(undefined, false)).toBeUndefined();
    const loose = { centre: { x_um: 0, y_um: 0 }, radius_um: 5, lag_s: 0, lagSigma_s: 0.2e-3, halfPlay_um: { x: 0, y: 0 }, significant: false, lagPlayCorrelation: { x: 0, y: 0 }, separable: true };
    expect(undetermined(loose, true)).toMatch(/σ 0\.20 ms/);
    expect(undetermined(loose, false)).toBeUndefined();
  });
});
