// Each channel's scan map beside its model: readings about the fitted optimum within a window of mode
// radii, the model's grid on the same window, one colour scale.
import { describe, expect, it } from 'vitest';
import { ColumnTable } from '../../../renderer/results/column-table.ts';
import { SPAN_DB, channelMaps, shade } from '../../../renderer/results/array-maps.ts';
import type { FitRecord } from '../../../renderer/api/types.ts';

function scan(rows: { x_um: number; y_um: number; ch1: number; ch2: number }[]): ColumnTable {
  const t = new ColumnTable(['phase', 'x_um', 'y_um', 'power_ch1_dBm', 'power_ch2_dBm']);
  t.appendRows(rows.map((r) => ({ phase: 'joint', x_um: r.x_um, y_um: r.y_um, power_ch1_dBm: r.ch1, power_ch2_dBm: r.ch2 })));
  return t;
}
const fit = (x0: number, y0: number, best: number, R: number): FitRecord => ({
  parameters: { x0_um: { value: x0, unit: 'um' }, y0_um: { value: y0, unit: 'um' }, best_dBm: { value: best, unit: 'dBm' }, radius_um: { value: R, unit: 'um' } },
});

describe('channelMaps', () => {
  it('maps the readings about the fitted optimum within 2 R, and the model on a grid over the same window', () => {
    const t = scan([
      { x_um: 10, y_um: 20, ch1: -10, ch2: -999 },
      { x_um: 13, y_um: 20, ch1: -12, ch2: -15 },
      { x_um: 40, y_um: 20, ch1: -60, ch2: -60 },
    ]);
    const [c1, c2] = channelMaps(t, new Map([['channel1', fit(10, 20, -9.5, 5)]]));
    expect(c1?.half_um).toBe(10);
    expect(c1?.points).toEqual([{ dx_um: 0, dy_um: 0, power_dBm: -10 }, { dx_um: 3, dy_um: 0, power_dBm: -12 }]);
    expect(c1?.model).toHaveLength(256);
    expect(c1?.top_dBm).toBe(-9.5);
    // A cell at (dx, dy) holds the Gaussian there; the corner cell is 2√2·R·(15/16) away.
    const corner = c1?.model[0];
    expect(corner?.dx_um).toBeCloseTo(-10 + 10 / 16, 9);
    expect(corner?.power_dBm).toBeCloseTo(-9.5 - ((20 / Math.LN10) * 2 * (10 - 10 / 16) ** 2) / 25, 9);
    // Without a fit: centred on the brightest reading, a fixed window, no model; the −999 placeholder left out.
    expect(c2?.x0_um).toBe(13);
    expect(c2?.model).toEqual([]);
    expect(c2?.points).toEqual([{ dx_um: 0, dy_um: 0, power_dBm: -15 }]);
  });

  it('leaves out a channel with no reading yet', () => {
    expect(channelMaps(scan([{ x_um: 0, y_um: 0, ch1: -999, ch2: -20 }]), new Map()).map((m) => m.channel)).toEqual([2]);
  });

  it('shades from the floor SPAN_DB below the top to the top', () => {
    expect(shade(-10, -10)).toBe(1);
    expect(shade(-10 - SPAN_DB / 2, -10)).toBeCloseTo(0.5, 12);
    expect(shade(-40, -10)).toBe(0);
    expect(shade(-5, -10)).toBe(1);
  });
});
