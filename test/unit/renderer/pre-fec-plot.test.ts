// A pre-FEC run on the waterfall plot: the threshold line as a series, the sensitivity with its interval and
// the post-FEC verdict from the step's 'pre-fec' fit record.
import { describe, expect, it } from 'vitest';
import { berFromQ } from '../../../models/ber.ts';
import type { FitRecord } from '../../../renderer/api/types.ts';
import { ColumnTable } from '../../../renderer/results/column-table.ts';
import { preFecView } from '../../../renderer/results/pre-fec-view.ts';
import { pickWaterfallFits, waterfallPlot } from '../../../renderer/results/waterfall-plot.ts';

function table(): ColumnTable {
  const t = new ColumnTable(['attenuation_dB', 'power_dBm', 'bits', 'errors', 'ber', 'ber_upper', 'ber_lower', 'confidence', 'dwell_s', 'status']);
  const rows = [];
  for (let k = 0; k < 10; k++) {
    const power = -9 + 0.4 * k;
    const ber = berFromQ(2.2 * 10 ** ((power + 9) / 10));
    const bits = 1e9;
    const errors = Math.round(ber * bits);
    rows.push({ attenuation_dB: 5 - 0.4 * k, power_dBm: power, bits, errors, ber: errors / bits, ber_upper: (errors + 3) / bits, ber_lower: Math.max(0, errors - 2) / bits, confidence: 0.95, dwell_s: 0.01, status: errors ? 'measured' : 'bounded' });
  }
  t.appendRows(rows);
  return t;
}

const preFec: FitRecord = {
  parameters: { sensitivity_dBm: { value: -7, sigma: 0.02, unit: 'dBm' } },
  extra: { threshold: 2.4e-4, confidence: 0.95, intervalLow_dBm: -7.04, intervalHigh_dBm: -6.96, postFecPass: true, postFecUncorrectable: 0, postFecCodewords: 19531249, postFecBerUpper: 1.53e-7 },
};

describe('waterfall plot of a pre-FEC run', () => {
  it('draws the threshold as a line across the powers and carries the verdict', () => {
    const fits = pickWaterfallFits(new Map([['pre-fec', preFec]]));
    const p = waterfallPlot(table(), fits);
    expect(p.preFec).toMatchObject({ threshold: 2.4e-4, sensitivity_dBm: -7, low_dBm: -7.04, high_dBm: -6.96, pass: true, uncorrectable: 0 });
    const x = p.main[0] as number[];
    const line = p.main[8] as (number | null)[];
    const drawn = line.map((y, i) => [x[i], y]).filter(([, y]) => y !== null);
    expect(drawn).toHaveLength(2);
    expect(drawn.every(([, y]) => y === 2.4e-4)).toBe(true);
    expect(drawn[0]?.[0]).toBe(Math.min(...x));
    // The provisional curve (no step fit yet) is fitted for the threshold, not 1e-12.
    expect(p.source).toBe('provisional');
    expect(p.model?.targetBer).toBe(2.4e-4);
  });

  it('a run without the record has no threshold line; a malformed record is ignored', () => {
    const p = waterfallPlot(table(), {});
    expect(p.preFec).toBeNull();
    expect((p.main[8] as (number | null)[]).every((v) => v === null)).toBe(true);
    expect(preFecView({ parameters: {}, extra: { threshold: 0.7 } })).toBeNull();
    expect(preFecView({ parameters: {}, extra: { threshold: 2.4e-4 } })).toMatchObject({ sensitivity_dBm: null, pass: null });
  });
});
