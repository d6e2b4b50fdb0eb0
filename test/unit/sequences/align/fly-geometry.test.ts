// The pure parts of fly alignment: placing logged samples on both axes' trapezoids, what a lit segment
// says about the peak, which samples the 2-D fit may use, how long a locating line is, and from where
// the final move approaches the peak.
import { describe, expect, it } from 'vitest';
import { approachFrom } from '../../../../sequences/steps/align/align-run.ts';
import { recentreAllowance_um } from '../../../../sequences/steps/align/finish.ts';
import { inFrame, locatingHalf_um, scanPoints } from '../../../../sequences/steps/align/fine.ts';
import { acrossRange_um, estimateFromSegment } from '../../../../sequences/steps/align/first-light.ts';
import { alongLine, placeSamples } from '../../../../sequences/steps/align/fly.ts';
import type { FlySample, FlySegment } from '../../../../sequences/steps/align/fly.ts';
import { planProfile, positionAt_um } from '../../../../sequences/steps/align/trajectory.ts';

const R = 5.2;

/** A segment whose samples follow a Gaussian peak at `peak` (noise-free), `n` samples from `from` to `to`. */
function segment(from: { x_um: number; y_um: number }, to: { x_um: number; y_um: number }, peak: { x_um: number; y_um: number }, n = 80): FlySegment {
  const along = from.y_um === to.y_um ? 'x' : from.x_um === to.x_um ? 'y' : null;
  const vx = Math.sign(to.x_um - from.x_um) * 1000, vy = Math.sign(to.y_um - from.y_um) * 1000;
  const samples: FlySample[] = Array.from({ length: n }, (_, k) => {
    const x_um = from.x_um + ((to.x_um - from.x_um) * k) / (n - 1), y_um = from.y_um + ((to.y_um - from.y_um) * k) / (n - 1);
    const rho2 = (x_um - peak.x_um) ** 2 + (y_um - peak.y_um) ** 2;
    return { x_um, y_um, vx_um_s: vx, vy_um_s: vy, power_dBm: Math.max(-68, -20 - (20 / Math.LN10) * (rho2 / (R * R))) };
  });
  return { from, to, along, samples, duration_s: 0.03 };
}

describe('placing logged samples', () => {
  it('puts each sample at both axes\' mean positions over its window, with their velocities', () => {
    const px = planProfile({ from_um: 0, to_um: 40, velocity_um_s: 10_000, acceleration_um_s2: 200_000 });
    const py = planProfile({ from_um: 5, to_um: 5, velocity_um_s: 10_000, acceleration_um_s2: 200_000 });
    const watts = Array.from({ length: 80 }, () => 1e-5);
    const s = placeSamples(watts, px, py, { moveStart_s: 1.0004, logStart_s: 1, averagingTime_s: 4e-4, samples: 80 });
    expect(s).toHaveLength(80);
    expect(s[0]).toMatchObject({ y_um: 5, vx_um_s: 0, vy_um_s: 0, power_dBm: -20 });
    expect(s[0]!.x_um).toBeCloseTo(0, 12);
    expect(s[20]!.x_um).toBeCloseTo(positionAt_um(px, 20.5 * 4e-4 - 4e-4), 2);
    expect(s[20]!.vx_um_s).toBeGreaterThan(0);
    expect(s[79]!.x_um).toBe(40); // the move (28.3 ms from 0.4 ms) is over
    expect(placeSamples([0], px, py, { moveStart_s: 0, logStart_s: 0, averagingTime_s: 1e-3, samples: 1 })[0]!.power_dBm).toBe(-Infinity);
  });

  it('reads a scan line as positions along it', () => {
    const seg = segment({ x_um: 0, y_um: 3 }, { x_um: 0, y_um: 13 }, { x_um: 0, y_um: 8 }, 11);
    expect(alongLine(seg).map((s) => s.position_um)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });
});

describe('what first light says', () => {
  it('a lit line fixes the peak along it and leaves a range across it, in the line\'s direction', () => {
    const seg = segment({ x_um: 30, y_um: 0 }, { x_um: -30, y_um: 0 }, { x_um: 4.3, y_um: 6 });
    const e = estimateFromSegment(seg, -68, { pitch_um: 16, profileRadius_um: R });
    expect(e.at.x_um).toBeCloseTo(4.3, 6);
    expect(e.at.y_um).toBe(0);
    expect(e.range.x_um).toBeLessThan(1);
    expect(e.range.y_um).toBe(acrossRange_um(16, R));
    expect(e.frame).toEqual({ x: -1 });
    expect(e.radius_um).toBeCloseTo(R, 6);
  });

  it('a line that only reaches the flank, or a diagonal, leaves ranges on both axes', () => {
    const flank = estimateFromSegment(segment({ x_um: 0, y_um: -20 }, { x_um: 0, y_um: -2 }, { x_um: 0, y_um: 3 }), -68, { pitch_um: 16, profileRadius_um: R });
    expect(flank.at.y_um).toBe(-2);
    expect(flank.range.y_um).toBeCloseTo(1.5 * R, 9);
    expect(flank.frame).toEqual({ y: 1 });
    const diagonal = estimateFromSegment(segment({ x_um: 0, y_um: 0 }, { x_um: 20, y_um: 10 }, { x_um: 11, y_um: 4 }), -68, { pitch_um: 16, profileRadius_um: R });
    expect(diagonal.range).toEqual({ x_um: acrossRange_um(16, R), y_um: acrossRange_um(16, R) });
    expect(diagonal.frame).toBeUndefined();
  });
});

describe('the refinement\'s samples and lines', () => {
  it('leaves out samples moving against the frame on either axis', () => {
    const s = (vx: number, vy: number): FlySample => ({ x_um: 0, y_um: 0, vx_um_s: vx, vy_um_s: vy, power_dBm: -20 });
    expect(inFrame(s(100, 0), { x: 1 })).toBe(true);
    expect(inFrame(s(-100, 0), { x: 1 })).toBe(false);
    expect(inFrame(s(0, 0), { x: 1, y: -1 })).toBe(true);
    expect(inFrame(s(100, 50), { x: 1, y: -1 })).toBe(false);
    expect(inFrame(s(-100, 50), {})).toBe(true);
  });

  it('fits only in-frame samples within the window of the best and clear of the floor', () => {
    const peak = { x_um: 1, y_um: 2 };
    const forward = segment({ x_um: -15, y_um: 2 }, { x_um: 15, y_um: 2 }, peak);
    const back = segment({ x_um: 15, y_um: 2.5 }, { x_um: -15, y_um: 2.5 }, peak);
    const points = scanPoints([forward, back], -68, { x: 1 });
    expect(points.length).toBeGreaterThan(10);
    expect(points.every((p) => p.y_um === 2)).toBe(true);
    expect(Math.min(...points.map((p) => 10 * Math.log10(p.power_mW)))).toBeGreaterThanOrEqual(-40 - 1e-9);
    expect(scanPoints([forward, back], -68).length).toBeGreaterThan(points.length);
  });

  it('a locating line covers the range and enough flank to fit', () => {
    expect(locatingHalf_um(13.2, R)).toBeCloseTo(13.2 + 0.8 * R, 9);
    expect(locatingHalf_um(0.5, R)).toBeCloseTo(1.6 * R, 9);
  });
});

describe('the final approach', () => {
  it('comes from a micrometre before the target on each axis whose frame the stage is not already moving in', () => {
    // Stage past the target on x (frame +1): back to 1 µm before it; y already below (frame +1) by more than 1 µm: stays.
    expect(approachFrom({ x_um: 10, y_um: -5 }, { x_um: 2, y_um: 0 }, { x: 1, y: 1 })).toEqual({ x_um: 1, y_um: -5 });
    expect(approachFrom({ x_um: 10, y_um: 5 }, { x_um: 2, y_um: 0 }, { x: 1, y: 1 })).toEqual({ x_um: 1, y_um: -1 });
    // Frame −1: the approach comes from above.
    expect(approachFrom({ x_um: -3, y_um: 0.5 }, { x_um: 2, y_um: 0 }, { x: -1, y: -1 })).toEqual({ x_um: 3, y_um: 1 });
    // Already approaching both ways, or no frame: nothing to add.
    expect(approachFrom({ x_um: 0, y_um: 0 }, { x_um: 2, y_um: 3 }, { x: 1, y: 1 })).toBeNull();
    expect(approachFrom({ x_um: 9, y_um: 9 }, { x_um: 2, y_um: 3 }, {})).toBeNull();
    // Only half a micrometre short: too little to take up the play, so it backs off first.
    expect(approachFrom({ x_um: 1.5, y_um: 3 }, { x_um: 2, y_um: 3 }, { x: 1 })).toEqual({ x_um: 1, y_um: 3 });
  });

  it('backs off further where the timing check may still move the target back, never less than a micrometre', () => {
    expect(approachFrom({ x_um: 10, y_um: 5 }, { x_um: 2, y_um: 0 }, { x: 1, y: 1 }, { x: 3, y: 0.2 })).toEqual({ x_um: -1, y_um: -1 });
    // The target moved back by 1.8 µm after that: the stage still comes at it the measured way by 1.2 µm, no second back-off.
    expect(approachFrom({ x_um: -1, y_um: -1 }, { x_um: 0.2, y_um: 0 }, { x: 1, y: 1 })).toBeNull();
  });

  it('allows for a 1 ms lag at the fastest in-frame crossing near the top, per axis', () => {
    const s = (x_um: number, vx_um_s: number, vy_um_s: number, power_dBm: number): FlySample => ({ x_um, y_um: 0, vx_um_s, vy_um_s, power_dBm });
    const seg: FlySegment = {
      from: { x_um: 0, y_um: 0 }, to: { x_um: 10, y_um: 0 }, along: 'x', duration_s: 0.01,
      // In frame +x: 2000 µm/s at the top, 3000 µm/s 0.5 dB down, 9000 µm/s far down (not a crossing);
      // the sample running −x (out of frame) is left out however bright.
      samples: [s(0, 9000, 0, -30), s(4, 3000, 0, -20.5), s(5, 2000, 0, -20), s(5, -5000, 0, -19)],
    };
    const a = recentreAllowance_um([seg], { x: 1 });
    expect(a.x).toBeCloseTo(3, 9);
    expect(a.y).toBe(0);
  });
});
