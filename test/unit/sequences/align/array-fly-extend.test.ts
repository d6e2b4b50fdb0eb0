// When a fly line is carried on past its end (array-fly-extend.ts): only when its objective peaked at an
// end of what it covered, gained there more than noise would on a flat axis, and is not at a soft limit.
import { describe, expect, it } from 'vitest';
import type { ChannelLineFit, PeakedLine } from '../../../../sequences/steps/align/array-fly-search.ts';
import { REPEAT_GAIN_DB, peakBeyond } from '../../../../sequences/steps/align/array-fly-extend.ts';

const mean = { channels: [0, 1], objective: 'sum' as const };
const limits = { min: -1, max: 1 };

/** Two channels, each dB = a − k·(x − peak)², fitted about centre 0 over [lo, hi], the array sent to `best`. */
function line(peak: number, k: number, best: number, lo = -0.2, hi = 0.2): PeakedLine {
  const fits: ChannelLineFit[] = [0, 1].map((index) => ({ index, a: -k * peak * peak, b: 2 * k * peak, c: -k, centre: 0, peak, peak_dBm: 0 }));
  return { best, fits, line: { axis: 'U', from: lo, to: hi, samples: [] }, centre: 0, lo, hi };
}

describe('carrying a fly line on (array-fly-extend)', () => {
  it('carries on a line that peaked at its end and gained there', () => {
    // Peak 0.4 beyond a ±0.2 line, 1 dB/unit²: the line gained 1·(0.4² − 0.2²) = 0.12 dB.
    expect(peakBeyond(line(0.4, 1, 0.2), 0.2, mean, limits)).toBe(true);
    expect(peakBeyond(line(-0.4, 1, -0.2), 0.2, mean, limits)).toBe(true);
  });

  it('does not on a flat axis whose end peak gained less than REPEAT_GAIN_DB, nor on a peak inside the line', () => {
    // 0.05 dB/unit²: gain 0.05·0.12 = 0.006 dB, noise-sized.
    expect(0.05 * (0.4 ** 2 - 0.2 ** 2)).toBeLessThan(REPEAT_GAIN_DB);
    expect(peakBeyond(line(0.4, 0.05, 0.2), 0.2, mean, limits)).toBe(false);
    expect(peakBeyond(line(0.1, 1, 0.1), 0.2, mean, limits)).toBe(false);
  });

  it('does not past a soft limit, and judges an extension against the peak before it', () => {
    expect(peakBeyond(line(1.4, 1, 1, 0.6, 1), 0.2, mean, limits)).toBe(false);
    // Against its centre the line gained plenty; against the last line's peak (0.39), 0.001 dB.
    const r = line(0.45, 1, 0.4, -0.2, 0.4);
    expect(peakBeyond(r, 0.2, mean, limits)).toBe(true);
    expect(peakBeyond(r, 0.2, mean, limits, 0.39)).toBe(false);
  });
});
