// The plot data builders: measurement and model on one x, residuals, provisional fits, and what is said
// when no model can be drawn. Data synthesised from models/ so the expected curves are known.
import { describe, expect, it } from 'vitest';
import { gaussianTolerances } from '../../../models/fits/gaussian2d.ts';
import { fitWaterfall, waterfallCurve } from '../../../models/fits/waterfall.ts';
import { gratingLoss_dB } from '../../../models/grating.ts';
import { berFromQ } from '../../../models/ber.ts';
import { alignHeatmap, radialProfile } from '../../../renderer/results/align-plot.ts';
import { ColumnTable } from '../../../renderer/results/column-table.ts';
import { describeFit, gaussianParams, gratingParams, waterfallParams } from '../../../renderer/results/fit-params.ts';
import { ascendingOrder, gapsAsNull, mergeOnX, mergeSorted } from '../../../renderer/results/plot-arrays.ts';
import { spectrumPlot } from '../../../renderer/results/spectrum-plot.ts';
import { pickWaterfallFits, waterfallPlot } from '../../../renderer/results/waterfall-plot.ts';
import type { FitRecord } from '../../../renderer/api/types.ts';

const GC = { centre_nm: 1552.3, peakLoss_dB: 4.2, bandwidth1dB_nm: 31 };
const gratingFit = {
  parameters: {
    centre_nm: { value: GC.centre_nm, sigma: 0.01, unit: 'nm' },
    peakLoss_dB: { value: GC.peakLoss_dB, sigma: 0.01, unit: 'dB' },
    bandwidth1dB_nm: { value: GC.bandwidth1dB_nm, sigma: 0.1, unit: 'nm' },
  },
};

function spectrumTable(n: number, noise = (i: number) => 0.02 * Math.sin(i * 1.7)): ColumnTable {
  const t = new ColumnTable(['wavelength_nm', 'power_dBm', 'loss_dB']);
  t.appendRows(Array.from({ length: n }, (_, i) => {
    const w = 1500 + (100 * i) / (n - 1);
    return { wavelength_nm: w, power_dBm: -gratingLoss_dB(w, GC), loss_dB: gratingLoss_dB(w, GC) + noise(i) };
  }));
  return t;
}

describe('spectrumPlot', () => {
  it('draws the step fit on the measured wavelengths, with residuals = measured − model', () => {
    const p = spectrumPlot(spectrumTable(201), gratingFit);
    expect(p.source).toBe('step');
    const [x, y, m] = p.main;
    expect(x.length).toBe(201);
    for (const i of [0, 57, 200]) expect(m[i]).toBeCloseTo(gratingLoss_dB(x[i] as number, GC), 12);
    const r = p.residuals[1];
    for (const i of [3, 100]) expect(r[i]).toBeCloseTo((y[i] as number) - (m[i] as number), 12);
  });

  it('fits provisionally (same models/ fit) while the step has not reported one, and recovers the coupler', () => {
    const p = spectrumPlot(spectrumTable(120), undefined);
    expect(p.source).toBe('provisional');
    expect(p.model?.centre_nm).toBeCloseTo(GC.centre_nm, 1);
    expect(p.model?.bandwidth1dB_nm).toBeCloseTo(GC.bandwidth1dB_nm, 0);
  });

  it('says why there is no curve: too few points, or a fit record without the grating parameters', () => {
    const few = spectrumPlot(spectrumTable(3), undefined);
    expect(few.model).toBeNull();
    expect(few.note).toMatch(/needs 4 points; 3 so far/);
    const bad = spectrumPlot(spectrumTable(50), { parameters: { centre_nm: { value: 1550, unit: 'nm' } } });
    expect(bad.model).toBeNull();
    expect(bad.source).toBe('none');
    expect(bad.note).toMatch(/lacks centre_nm, peakLoss_dB or bandwidth1dB_nm/);
    expect(bad.main[2].every((v) => v === null)).toBe(true);
  });

  it('sorts a spectrum recorded out of order, and turns dark points into gaps', () => {
    const t = new ColumnTable(['wavelength_nm', 'loss_dB']);
    t.appendRows([{ wavelength_nm: 1560, loss_dB: 5 }, { wavelength_nm: 1540, loss_dB: '' }, { wavelength_nm: 1550, loss_dB: 4.2 }]);
    const p = spectrumPlot(t, gratingFit);
    expect(Array.from(p.main[0])).toEqual([1540, 1550, 1560]);
    expect(Array.from(p.main[1])).toEqual([null, 4.2, 5]);
  });
});

// A thermal-limited receiver: 20·log10 Q is a straight line of slope 2 in dBm.
const SENS = -11.5;
const qAt = (p: number) => 7.034 * 10 ** ((p - SENS) / 10);
function berTable(): ColumnTable {
  const t = new ColumnTable(['attenuation_dB', 'power_dBm', 'bits', 'errors', 'ber', 'ber_upper', 'ber_lower', 'confidence', 'dwell_s', 'status']);
  const rows = [];
  for (let k = 0; k < 12; k++) {
    const power = -17 + 0.5 * k;
    const ber = berFromQ(qAt(power));
    const bits = 1e11;
    const errors = Math.round(ber * bits);
    const status = k < 2 ? 'no-sync' : errors === 0 ? 'bounded' : 'measured';
    rows.push({
      attenuation_dB: 10 - 0.5 * k, power_dBm: power, bits, errors,
      ber: status === 'no-sync' ? '' : errors / bits, ber_upper: status === 'no-sync' ? '' : (errors + 3) / bits,
      ber_lower: status === 'no-sync' ? '' : Math.max(0, errors - 2) / bits, confidence: 0.95, dwell_s: 1, status,
    });
  }
  t.appendRows(rows);
  return t;
}

function waterfallRecord(t: ColumnTable, method: 'loglog' | 'q') {
  const pts = [];
  for (let i = 0; i < t.length; i++) {
    const e = t.col('errors')[i] as number, b = t.col('bits')[i] as number;
    if (t.values('status')[i] === 'measured' && e > 0) pts.push({ power_dBm: t.col('power_dBm')[i] as number, ber: e / b, errors: e });
  }
  const f = fitWaterfall(pts, { targetBer: 1e-12, method });
  return {
    fit: f,
    record: {
      parameters: {
        sensitivity_dBm: { value: f.sensitivity_dBm, sigma: f.sigma.sensitivity_dB, unit: 'dBm' },
        slope: { value: f.slope, unit: '' }, intercept: { value: f.intercept, unit: '' },
      },
      extra: { method, targetBer: 1e-12, extrapolated: f.extrapolated },
    },
  };
}

describe('waterfallPlot', () => {
  it('draws counted points, bounds for error-free points, and the step model through waterfallCurve', () => {
    const t = berTable();
    const { fit, record } = waterfallRecord(t, 'loglog');
    const p = waterfallPlot(t, { main: record });
    expect(p.source).toBe('step');
    expect(p.uncounted.map((u) => u.status)).toEqual(['no-sync', 'no-sync']);
    expect(p.points.length).toBe(10);
    const [x, measured, bound, model] = p.main as [number[], (number | null)[], (number | null)[], (number | null)[]];
    expect(x).toEqual([...x].sort((a, b) => a - b));
    const counted = measured.filter((v) => v !== null).length;
    const bounds = bound.filter((v) => v !== null).length;
    expect(counted + bounds).toBe(10);
    // The model column holds waterfallCurve's values at its own powers.
    const i = model.findIndex((v) => v !== null);
    expect(model[i]).toBeCloseTo(waterfallCurve(fit, [x[i] as number])[0]?.ber as number, 20);
    expect(p.model?.sensitivity_dBm).toBeCloseTo(fit.sensitivity_dBm, 12);
    expect(p.model?.targetBer).toBe(1e-12);
    // The curve reaches the sensitivity, so the marker sits on it.
    expect(Math.max(...x)).toBeGreaterThanOrEqual(fit.sensitivity_dBm);
  });

  it('residuals are log10(measured / model) and small for data on the model', () => {
    const t = berTable();
    const p = waterfallPlot(t, { main: waterfallRecord(t, 'q').record });
    const r = p.residuals[1]?.filter((v): v is number => v !== null) ?? [];
    expect(r.length).toBeGreaterThan(3);
    for (const v of r) expect(Math.abs(v)).toBeLessThan(0.3);
  });

  it('fits provisionally with five counted points, and says what is missing before that', () => {
    const t = berTable();
    expect(waterfallPlot(t, {}).source).toBe('provisional');
    const early = new ColumnTable(t.columns);
    early.appendRows([{ power_dBm: -15, bits: 1e9, errors: 100, ber: 1e-7, status: 'measured' }]);
    const p = waterfallPlot(early, {});
    expect(p.model).toBeNull();
    expect(p.note).toMatch(/needs 5 points with errors; 1 so far/);
  });

  it('draws the receiver model fitted to the counts with its interval: curves through the interval\'s ends and a bar at the target', () => {
    const t = berTable();
    const q = {
      parameters: { sensitivity_dBm: { value: -12, unit: 'dBm' }, slope: { value: 2, unit: 'dB/dB' }, intercept: { value: 16.94 + 24, unit: 'dB' } },
      extra: { targetBer: 1e-12, confidence: 0.95, intervalLow_dBm: -12.05, intervalHigh_dBm: -11.95, usable: true, quality: 'χ² p = 0.4' },
    };
    const fits = pickWaterfallFits(new Map<string, FitRecord>([['waterfall-q', waterfallRecord(t, 'q').record], ['receiver-q-model', q]]));
    const p = waterfallPlot(t, fits);
    expect(p.qModel).toMatchObject({ sensitivity_dBm: -12, low_dBm: -12.05, high_dBm: -11.95, usable: true });
    const [x, , , , , model, low, high] = p.main as (number | null)[][];
    const at = (col: (number | null)[] | undefined, i: number) => col?.[i] ?? null;
    const i = (x ?? []).findIndex((v, k) => v !== null && at(model, k) !== null && at(low, k) !== null && at(high, k) !== null);
    expect(i).toBeGreaterThanOrEqual(0);
    // The low end of the interval needs less power: its curve lies below the model's, the high end's above.
    expect(at(low, i) as number).toBeLessThan(at(model, i) as number);
    expect(at(high, i) as number).toBeGreaterThan(at(model, i) as number);
    expect(waterfallPlot(t, { main: waterfallRecord(t, 'q').record }).qModel).toBeNull();
  });

  it('picks the step fit, the other method and the receiver prediction from the step\'s fits', () => {
    const t = berTable();
    const a = waterfallRecord(t, 'loglog').record, b = waterfallRecord(t, 'q').record;
    const rx = { parameters: { sensitivity_dBm: { value: -11.4, unit: 'dBm' } } };
    const fits = pickWaterfallFits(new Map([['waterfall-loglog', a], ['waterfall-q', b], ['receiver-model', rx]]));
    expect(fits.main).toBe(a);
    expect(fits.alternate).toBe(b);
    const p = waterfallPlot(t, fits);
    expect(p.alternate?.method).toBe('q');
    expect(p.predicted_dBm).toBe(-11.4);
  });
});

describe('alignment heat map and radial profile', () => {
  const G = { x0_um: 12510.2, y0_um: 12499.6, peak_mW: 0.01, background_mW: 1e-6, radius_um: 5.3 };
  const surface = (x: number, y: number) => G.background_mW + G.peak_mW * Math.exp((-2 * ((x - G.x0_um) ** 2 + (y - G.y0_um) ** 2)) / G.radius_um ** 2);
  function scan(): ColumnTable {
    const t = new ColumnTable(['x_um', 'y_um', 'power_dBm', 'phase']);
    for (let i = -20; i <= 20; i += 2) for (let j = -20; j <= 20; j += 2) {
      const x = 12510 + i, y = 12500 + j;
      t.appendRows([{ x_um: x, y_um: y, power_dBm: 10 * Math.log10(surface(x, y)), phase: Math.abs(i) > 12 ? 'first-light' : 'fine' }]);
    }
    return t;
  }
  const record = {
    parameters: {
      x0_um: { value: G.x0_um, sigma: 0.01, unit: 'um' }, y0_um: { value: G.y0_um, sigma: 0.01, unit: 'um' },
      peak_dBm: { value: 10 * Math.log10(G.peak_mW + G.background_mW), unit: 'dBm' },
      radius_um: { value: G.radius_um, sigma: 0.02, unit: 'um' }, background_mW: { value: G.background_mW, unit: 'mW' },
    },
    rSquared: 0.999,
    extra: { peakInsideScan: true },
  };

  it('finds the best reading, and draws the tolerance contours of models\' gaussianTolerances', () => {
    const h = alignHeatmap(scan(), record);
    expect(h.points).toBe(21 * 21);
    expect(h.best).toEqual({ x_um: 12510, y_um: 12500, power_dBm: expect.any(Number) });
    const tol = gaussianTolerances({ radius_um: G.radius_um, sigma: { x0_um: 0, y0_um: 0, peak_mW: 0, radius_um: 0.02, background_mW: 0 } });
    expect(h.contours.find((c) => c.label === '1 dB')?.radius_um).toBeCloseTo(tol.tolerance1dB_um, 12);
    expect(h.contours.find((c) => c.label === '0.5 dB')?.radius_um).toBeCloseTo(tol.tolerance05dB_um, 12);
    // The 3-dB ring of the model: where B + A·exp(−2ρ²/R²) is 3 dB below the centre.
    const f = ((G.peak_mW + G.background_mW) * 10 ** -0.3 - G.background_mW) / G.peak_mW;
    expect(h.contours.find((c) => c.label === '3 dB')?.radius_um).toBeCloseTo(Math.sqrt((-(G.radius_um ** 2) / 2) * Math.log(f)), 9);
    expect(h.peak_dBm).toBeCloseTo(10 * Math.log10(G.peak_mW + G.background_mW), 12);
    expect(h.fit?.peak_mW).toBeCloseTo(G.peak_mW, 12);
  });

  it('without a fit: the readings and the best one, no contours', () => {
    const h = alignHeatmap(scan(), undefined);
    expect(h.fit).toBeNull();
    expect(h.contours).toEqual([]);
    expect(h.bounds).toEqual({ x: { min: 12490, max: 12530 }, y: { min: 12480, max: 12520 } });
  });

  it('profiles the peaking readings within 3 R, with zero residuals for readings on the model', () => {
    const g = gaussianParams(record);
    if (!g) throw new Error('gaussianParams refused a complete record');
    const prof = radialProfile(scan(), g);
    const [rho, measured, model] = prof.main;
    expect(rho).toEqual([...rho].sort((a, b) => a - b));
    expect(Math.max(...rho)).toBeLessThanOrEqual(3 * G.radius_um + 1e-9);
    expect(measured.some((v) => v !== null)).toBe(true);
    expect(model.some((v) => v !== null)).toBe(true);
    for (const r of prof.residuals[1]) if (r !== null) expect(Math.abs(r)).toBeLessThan(1e-9);
    expect(prof.coreRms_dB).toBeLessThan(1e-9);
    expect(prof.readings).toBeGreaterThan(0);
  });
});

describe('fit records → model parameters', () => {
  it('refuse records without the parameters a curve needs, instead of inventing them', () => {
    expect(gaussianParams(undefined)).toBeNull();
    expect(gaussianParams({ parameters: { x0_um: { value: 1, unit: 'um' } } })).toBeNull();
    expect(gaussianParams({ parameters: { x0_um: { value: 1, unit: 'um' }, y0_um: { value: 1, unit: 'um' }, radius_um: { value: 0, unit: 'um' }, peak_dBm: { value: -10, unit: 'dBm' } } })).toBeNull();
    expect(gratingParams({ parameters: { centre_nm: { value: 1550, unit: 'nm' }, peakLoss_dB: { value: 3, unit: 'dB' }, bandwidth1dB_nm: { value: Number.NaN, unit: 'nm' } } })).toBeNull();
    expect(waterfallParams({ parameters: { sensitivity_dBm: { value: -12, unit: 'dBm' } } })).toBeNull();
  });

  it('reads the method and target BER a ber step reports', () => {
    const p = waterfallParams({ parameters: { slope: { value: 0.1, unit: '' }, intercept: { value: 2, unit: '' } }, extra: { method: 'q', targetBer: 1e-9, extrapolated: true } });
    expect(p).toMatchObject({ method: 'q', targetBer: 1e-9, extrapolated: true, sensitivity_dBm: null });
  });

  it('describes a fit with values, sigmas and units for the legend', () => {
    expect(describeFit({ parameters: { x0_um: { value: 12509.981, sigma: 0.0092, unit: 'um' } }, rSquared: 0.99731 }))
      .toEqual(['x0_um = 12509.98 ± 0.0092 µm', 'R² = 0.9973']);
  });
});

describe('plot arrays', () => {
  it('passes a NaN-free typed array through untouched, and copies one with gaps to nulls', () => {
    const clean = Float64Array.from([1, 2, 3]);
    expect(gapsAsNull(clean)).toBe(clean);
    expect(gapsAsNull(Float64Array.from([1, Number.NaN]))).toEqual([1, null]);
  });

  it('merges series on one ascending x with nulls where a series has no point', () => {
    expect(mergeOnX([{ x: [3, 1], y: [30, 10] }, { x: [2, 3], y: [20, null] }])).toEqual([[1, 2, 3], [10, null, 30], [null, 20, null]]);
    expect(mergeSorted({ x: [0, 2], y: [1, Number.NaN] }, { x: [1], y: [5] })).toEqual([[0, 1, 2], [1, null, null], [null, 5, null]]);
    expect(Array.from(ascendingOrder([2, Number.NaN, 1]))).toEqual([2, 0, 1]);
  });
});
