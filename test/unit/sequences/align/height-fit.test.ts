// The height scan's fit (pure): the best gap from a Z scan with noise and the facet–chip ripple, with the peak's
// shape from the mode radii; unbiased where the span is not centred on the best height (a soft limit under it),
// its σ honest over many scans, and no answer from a flat or too short scan.
import normal from '@stdlib/random-base-normal';
import { describe, expect, it } from 'vitest';
import { fitHeightPeak, gapProfile_dB, type HeightSample } from '../../../../sequences/steps/align/height-fit.ts';

const G = gapProfile_dB(5.2, 5.2, 1550, 2);

/** Up and down over [lo, hi] every `step` µm: a loopback's gap profile around `best`, a 0.2 dB ripple at λ/2, noise in dB. */
function scan(o: { best: number; lo: number; hi: number; step?: number; noise?: number; seed?: number; ripple?: number }): HeightSample[] {
  const g = normal.factory(0, 1, { seed: o.seed ?? 5 });
  const out: HeightSample[] = [];
  const phase = (o.seed ?? 5) * 0.7;
  for (let pass = 0; pass < 2; pass++) {
    for (let z = o.lo; z <= o.hi + 1e-9; z += o.step ?? 0.5) {
      out.push({ z_um: z, power_dBm: -17 + G(z - o.best) + (o.ripple ?? 0.1) * Math.cos((4 * Math.PI * z) / 1.55 + phase) + (o.noise ?? 0.03) * g() });
    }
  }
  return out;
}

describe('height fit', () => {
  it('finds the best height through the ripple, to within its σ', () => {
    const f = fitHeightPeak(scan({ best: 5021.3, lo: 5012, hi: 5028 }), { wavelength_nm: 1550, profile_dB: G });
    expect(f.fitted).toBe(true);
    expect(f.inside).toBe(true);
    expect(Math.abs(f.z_um - 5021.3)).toBeLessThan(3 * f.sigma_um);
    expect(f.sigma_um).toBeLessThan(1.5);
  });

  it('is unbiased with the best height near the foot of the span, and its σ matches the scatter', () => {
    const errors: number[] = [];
    const sigmas: number[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const f = fitHeightPeak(scan({ best: 5015, lo: 5014, hi: 5030, step: 1, noise: 0.06, seed }), { wavelength_nm: 1550, profile_dB: G });
      expect(f.fitted).toBe(true);
      errors.push(f.z_um - 5015);
      sigmas.push(f.sigma_um);
    }
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (errors.length - 1));
    const sigma = sigmas.reduce((a, b) => a + b, 0) / sigmas.length;
    // A free parabola leans ~+2 µm here (the profile flattens away from the best gap); the known shape does not.
    expect(Math.abs(mean)).toBeLessThan(3 * (sd / Math.sqrt(errors.length)) + 0.1);
    expect(sd / sigma).toBeGreaterThan(0.7);
    expect(sd / sigma).toBeLessThan(1.4);
  });

  it('reports a best height below the span as outside it (extrapolated), not inside', () => {
    const f = fitHeightPeak(scan({ best: 5011, lo: 5014, hi: 5030, noise: 0.01 }), { wavelength_nm: 1550, profile_dB: G });
    expect(f.fitted).toBe(true);
    expect(f.inside).toBe(false);
    expect(f.z_um).toBeLessThan(5014);
    expect(f.z_um).toBeCloseTo(5011, 0);
  });

  it('gives no fit from too few samples or a scan of one height', () => {
    expect(fitHeightPeak(scan({ best: 5020, lo: 5019, hi: 5020, step: 0.5 }), { profile_dB: G }).fitted).toBe(false);
    const flat = Array.from({ length: 30 }, () => ({ z_um: 5020, power_dBm: -17 }));
    expect(fitHeightPeak(flat, { profile_dB: G }).fitted).toBe(false);
  });

  it('without the mode radii fits a free parabola, and a valley is no peak', () => {
    const free = fitHeightPeak(scan({ best: 5020, lo: 5010, hi: 5030, noise: 0.002, ripple: 0 }));
    expect(free.fitted).toBe(true);
    expect(free.z_um).toBeCloseTo(5020, 0);
    const valley = scan({ best: 5020, lo: 5010, hi: 5030, noise: 0.002, ripple: 0 }).map((s) => ({ ...s, power_dBm: -34 - s.power_dBm }));
    expect(fitHeightPeak(valley).fitted).toBe(false);
  });
});
