import { describe, expect, it } from 'vitest';
import { RandomSeedError, SeededRandom } from '../../../../sim/random.ts';

function draws(r: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => r.next());
}

describe('SeededRandom', () => {
  it('reproduces the same stream for the same seed, and a different one for another seed', () => {
    expect(draws(new SeededRandom(42), 5)).toEqual(draws(new SeededRandom(42), 5));
    expect(draws(new SeededRandom(42), 5)).not.toEqual(draws(new SeededRandom(43), 5));
    // 0 and negative seeds are valid (hashed onto MT19937's range)
    expect(draws(new SeededRandom(0), 3)).not.toEqual(draws(new SeededRandom(-1), 3));
  });

  it('forks independent, label-stable streams regardless of draws already made', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    draws(b, 100);
    expect(draws(a.fork('meter'), 4)).toEqual(draws(b.fork('meter'), 4));
    expect(draws(a.fork('meter'), 4)).not.toEqual(draws(a.fork('bert'), 4));
  });

  it('draws uniform, normal and poisson values with the right moments', () => {
    const r = new SeededRandom(1);
    const n = 20000;
    let su = 0, sn = 0, sn2 = 0, sp = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform(2, 4);
      expect(u).toBeGreaterThanOrEqual(2);
      expect(u).toBeLessThan(4);
      su += u;
      const g = r.normal(1, 0.5);
      sn += g;
      sn2 += (g - 1) ** 2;
      sp += r.poisson(3.5);
    }
    expect(su / n).toBeCloseTo(3, 1);
    expect(sn / n).toBeCloseTo(1, 1);
    expect(Math.sqrt(sn2 / n)).toBeCloseTo(0.5, 1);
    expect(sp / n).toBeCloseTo(3.5, 1);
  });

  it('returns 0 counts for zero or negative means and handles huge means', () => {
    const r = new SeededRandom(3);
    expect(r.poisson(0)).toBe(0);
    expect(r.poisson(-1)).toBe(0);
    expect(r.poisson(Number.NaN)).toBe(0);
    const big = r.poisson(5e11);
    expect(Math.abs(big - 5e11)).toBeLessThan(10 * Math.sqrt(5e11));
    expect(r.normal(4, 0)).toBe(4);
  });

  it('refuses a non-integer seed with a named error', () => {
    expect(() => new SeededRandom(1.5)).toThrow(RandomSeedError);
    expect(() => new SeededRandom(Number.NaN)).toThrow(/seed NaN must be a finite integer/);
  });
});
