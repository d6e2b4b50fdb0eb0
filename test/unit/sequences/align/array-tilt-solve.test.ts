// Tilt from one Z line's per-channel gap optima (array-tilt-solve.ts): a tilt δ about Y moves the fiber
// s µm along the array by −s·sin δ in Z, so the channels' vertices lie on a line of slope −tan δ; the
// correction is taken only when that slope is resolved, never from scatter.
import { describe, expect, it } from 'vitest';
import type { ChannelLineFit } from '../../../../sequences/steps/align/array-fly-search.ts';
import { channelPlaces_um } from '../../../../sequences/steps/align/array-fly-search.ts';
import { MAX_TILT_STEP_DEG, tiltFromGapOptima } from '../../../../sequences/steps/align/array-tilt-solve.ts';

const CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8];
const PLACES = channelPlaces_um(CHANNELS, [[1, 8]], 127);
const RAD = Math.PI / 180;

/**
 * Z-line fits of an array that a V turn of `turn_deg` would level: turning by δ lowers the fiber at s by
 * s·sin δ, so its vertex (the platform Z where it peaks) sits at z0 − s·tan(δ), plus scatter[i].
 */
function fits(turn_deg: number, scatter: readonly number[], c = -0.002, centre = 0, z0 = 1.5): ChannelLineFit[] {
  return CHANNELS.map((_, i) => {
    const v = z0 - (PLACES[i] as number) * Math.tan(turn_deg * RAD) + (scatter[i] ?? 0) - centre;
    // a + b·x + c·x² with its vertex at v: b = −2·c·v.
    return { index: i, a: -3, b: -2 * c * v, c, centre, peak: centre + v, peak_dBm: -3 };
  });
}

describe('tilt from the Z line\'s gap optima', () => {
  it('recovers a resolved tilt as the correction that levels the channels\' gap optima', () => {
    const t = tiltFromGapOptima(fits(0.15, [0.05, -0.04, 0.03, -0.05, 0.02, 0.04, -0.03, -0.02]), PLACES, 12);
    expect(t.used).toBe(8);
    expect(t.tilt_deg).toBeCloseTo(0.15, 2);
    expect(t.dV_deg).toBeCloseTo(0.15, 2);
    expect(t.sigma_deg).toBeLessThan(0.02);
  });

  it('leaves V where it is when the vertices scatter more than the tilt moves them (the usual flat gap)', () => {
    const t = tiltFromGapOptima(fits(0.1, [3, -4, 2.5, -1, 4, -3, 1.5, 2]), PLACES, 12);
    expect(t.sigma_deg).toBeGreaterThan(0.05);
    expect(t.dV_deg).toBe(0);
  });

  it('uses only channels whose parabola opens downwards with its vertex within the line, and needs five', () => {
    const f = fits(0.15, [0, 0, 0, 0, 0, 0, 0, 0]);
    // Four channels flat or with a vertex far off the line: four usable are too few.
    for (const i of [1, 2, 3]) f[i] = { ...f[i]!, c: 0.001 };
    f[4] = { ...f[4]!, b: -2 * -0.002 * 40 };
    const t = tiltFromGapOptima(f, PLACES, 12);
    expect(t.used).toBe(4);
    expect(t.dV_deg).toBe(0);
  });

  it('never turns more than its largest step from one line', () => {
    const t = tiltFromGapOptima(fits(-0.9, [0, 0.01, 0, -0.01, 0, 0.01, 0, -0.01], -0.002, 0, 0), PLACES, 12);
    expect(t.tilt_deg).toBeCloseTo(-0.9, 2);
    expect(t.dV_deg).toBe(-MAX_TILT_STEP_DEG);
  });
});
