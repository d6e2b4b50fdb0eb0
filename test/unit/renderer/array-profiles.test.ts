// Each channel's readings against its fitted model: distances from the fitted optimum, the model curve
// from the step's fit, the last lines' readings only once there are any.
import { describe, expect, it } from 'vitest';
import { ColumnTable } from '../../../renderer/results/column-table.ts';
import { channelProfiles } from '../../../renderer/results/array-profiles.ts';
import type { FitRecord } from '../../../renderer/api/types.ts';

function scan(rows: { phase: string; x_um: number; y_um: number; ch1: number; ch2: number }[]): ColumnTable {
  const t = new ColumnTable(['phase', 'x_um', 'y_um', 'power_ch1_dBm', 'power_ch2_dBm']);
  t.appendRows(rows.map((r) => ({ phase: r.phase, x_um: r.x_um, y_um: r.y_um, power_ch1_dBm: r.ch1, power_ch2_dBm: r.ch2 })));
  return t;
}

const fit = (x0: number, y0: number, best: number, R: number): FitRecord => ({
  parameters: { x0_um: { value: x0, unit: 'um' }, y0_um: { value: y0, unit: 'um' }, best_dBm: { value: best, unit: 'dBm' }, radius_um: { value: R, unit: 'um' } },
});

describe('channelProfiles', () => {
  it('places the last lines\' readings at their distance from each channel\'s optimum, beside its model', () => {
    const t = scan([
      { phase: 'joint', x_um: 50, y_um: 50, ch1: -40, ch2: -41 },
      { phase: 'channel-optimum', x_um: 3, y_um: 4, ch1: -12, ch2: -13 },
      { phase: 'channel-optimum', x_um: 0, y_um: 0, ch1: -10, ch2: -999 },
    ]);
    const [c1, c2] = channelProfiles(t, new Map([['channel1', fit(0, 0, -10, 5)]]));
    expect(c1?.channel).toBe(1);
    expect(c1?.points).toEqual([{ r_um: 5, power_dBm: -12 }, { r_um: 0, power_dBm: -10 }]);
    expect(c1?.model[0]).toEqual({ r_um: 0, power_dBm: -10 });
    // At r = R the Gaussian is 1/e² down: −8.69 dB.
    expect(c1?.model[40]?.r_um).toBe(5);
    expect(c1?.model[40]?.power_dBm).toBeCloseTo(-10 - 20 / Math.LN10, 6);
    // No fit yet for channel 2: readings only (the −999 placeholder of a missing reading left out).
    expect(c2?.model).toEqual([]);
    expect(c2?.points).toHaveLength(1);
  });

  it('uses the whole scan while the last lines have not come yet', () => {
    const t = scan([{ phase: 'joint', x_um: 1, y_um: 1, ch1: -20, ch2: -21 }, { phase: 'joint', x_um: 3, y_um: 1, ch1: -22, ch2: -23 }]);
    const [c1] = channelProfiles(t, new Map());
    expect(c1?.points.map((q) => q.r_um)).toEqual([1, 1]);
  });
});
