import normal from '@stdlib/random-base-normal';
import { describe, expect, it } from 'vitest';
import { fitLinePeak } from '../../../../sequences/steps/align/line-fit.ts';
import type { LineSample } from '../../../../sequences/steps/align/line-fit.ts';

/** A line through a Gaussian peak at `centre`, `offset` µm to its side, with relative noise and a floor. */
function line(o: { centre: number; offset?: number; peak_dBm?: number; radius?: number; rel?: number; floor_dBm?: number; from: number; to: number; n: number; seed?: number }): LineSample[] {
  const g = normal.factory(0, 1, { seed: o.seed ?? 3 });
  const R = o.radius ?? 5.2, floor = 10 ** ((o.floor_dBm ?? -68) / 10);
  const out: LineSample[] = [];
  for (let k = 0; k < o.n; k++) {
    const x = o.from + ((o.to - o.from) * k) / (o.n - 1);
    const rho2 = (x - o.centre) ** 2 + (o.offset ?? 0) ** 2;
    const mW = 10 ** ((o.peak_dBm ?? -20) / 10) * Math.exp((-2 * rho2) / (R * R));
    const read = Math.max(floor, mW * (1 + (o.rel ?? 0) * g()) + (floor / 3) * g());
    out.push({ position_um: x, power_dBm: 10 * Math.log10(read) });
  }
  return out;
}

describe('line peak fit (parabola in dB)', () => {
  it('recovers centre, peak and radius exactly from noise-free samples', () => {
    const fit = fitLinePeak(line({ centre: 3.3, from: -10, to: 10, n: 41, floor_dBm: -200 }), { floor_dBm: -200 });
    expect(fit?.fitted).toBe(true);
    expect(fit?.centre_um).toBeCloseTo(3.3, 6);
    expect(fit?.peak_dBm).toBeCloseTo(-20, 6);
    expect(fit?.radius_um).toBeCloseTo(5.2, 6);
    expect(fit?.inside).toBe(true);
  });

  it('finds the centre along the line from a line passing well to the side of the peak', () => {
    // 9 µm to the side: the line's own maximum is ~26 dB down, yet its centre is the peak's x.
    const fit = fitLinePeak(line({ centre: -4, offset: 9, rel: 0.03, from: -35, to: 35, n: 240 }), { floor_dBm: -68 });
    expect(fit?.fitted).toBe(true);
    expect(Math.abs((fit?.centre_um ?? 0) + 4)).toBeLessThan(0.3);
    expect(Math.abs((fit?.centre_um ?? 0) + 4)).toBeLessThan(4 * (fit?.sigma_um ?? 0) + 0.05);
    expect(fit?.peak_dBm).toBeLessThan(-40);
  });

  it('is precise to a few hundredths of a µm across the peak with 3 % noise', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const fit = fitLinePeak(line({ centre: 0.37, rel: 0.03, from: -8, to: 8, n: 80, seed }), { floor_dBm: -68 });
      expect(Math.abs((fit?.centre_um ?? 99) - 0.37)).toBeLessThan(0.08);
      expect(fit?.sigma_um).toBeLessThan(0.05);
      expect(Math.abs((fit?.radius_um ?? 0) - 5.2)).toBeLessThan(0.3);
    }
  });

  it('gives its peak power a standard uncertainty that covers the truth (the final check\'s allowance)', () => {
    let covered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const fit = fitLinePeak(line({ centre: 0.37, rel: 0.03, from: -8, to: 8, n: 40, seed }), { floor_dBm: -68 });
      expect(fit?.peakSigma_dB).toBeGreaterThan(0.005);
      expect(fit?.peakSigma_dB).toBeLessThan(0.05);
      if (Math.abs((fit?.peak_dBm ?? 0) + 20) <= 2 * (fit?.peakSigma_dB ?? 0)) covered += 1;
    }
    // About 95 % within 2σ.
    expect(covered).toBeGreaterThanOrEqual(34);
    // Unfitted: the best sample, with no uncertainty to speak of.
    expect(fitLinePeak(line({ centre: 0, from: -0.2, to: 0.2, n: 3 }), { floor_dBm: -68 })?.peakSigma_dB).toBe(Infinity);
  });

  it('says nothing was seen when every sample sits on the floor', () => {
    expect(fitLinePeak(line({ centre: 0, offset: 40, from: -10, to: 10, n: 50 }), { floor_dBm: -68 })).toBeUndefined();
    expect(fitLinePeak([], { floor_dBm: -68 })).toBeUndefined();
  });

  it('falls back to the best sample when too few samples show the peak, and flags a centre outside the scan', () => {
    const few = fitLinePeak([{ position_um: 1, power_dBm: -30 }, { position_um: 2, power_dBm: -25 }], { floor_dBm: -68 });
    expect(few).toMatchObject({ fitted: false, centre_um: 2, peak_dBm: -25, used: 2 });
    const edge = fitLinePeak(line({ centre: 12, from: -10, to: 8, n: 60, floor_dBm: -200 }), { floor_dBm: -200 });
    expect(edge?.fitted).toBe(true);
    expect(edge?.inside).toBe(false);
    expect(edge?.centre_um).toBeCloseTo(12, 4);
  });

  it('ignores non-finite samples (an overrange reading)', () => {
    const s = line({ centre: 1, from: -8, to: 8, n: 40, floor_dBm: -200 });
    s[5] = { position_um: s[5]!.position_um, power_dBm: NaN };
    expect(fitLinePeak(s, { floor_dBm: -200 })?.centre_um).toBeCloseTo(1, 6);
  });
});
