// The alignment scan beside its 2-D Gaussian: where each reading was taken and what it saw (the heat map),
// the fitted peak, the tolerance contours (models' gaussianTolerances: 0.5 dB and 1 dB from the peak) and
// the model's iso-power rings; and the radial profile — measured dBm against distance from the fitted
// centre, the model (gaussianSurface) along a radius, and the residuals in dB.
import type { FitRecord } from '../api/types.ts';
import { gaussianSurface, gaussianTolerances } from '../../models/fits/gaussian2d.ts';
import { mwToDbm } from '../../models/units.ts';
import type { ColumnTable } from './column-table.ts';
import { gaussianParams } from './fit-params.ts';
import type { GaussianParams } from './fit-params.ts';
import { ascendingOrder, finiteRange, gapsAsNull, linspace, mergeSorted } from './plot-arrays.ts';
import type { PlotColumn } from './plot-arrays.ts';

export interface Contour {
  label: string;
  radius_um: number;
  /** The tolerance contours are what a technician checks placement against; iso-lines are context. */
  kind: 'tolerance' | 'iso';
}

export interface AlignHeatmapData {
  x_um: Float64Array;
  y_um: Float64Array;
  power_dBm: Float64Array;
  points: number;
  bounds: { x: { min: number; max: number }; y: { min: number; max: number } } | null;
  power: { min: number; max: number } | null;
  best: { x_um: number; y_um: number; power_dBm: number } | null;
  fit: GaussianParams | null;
  peak_dBm: number | null;
  contours: Contour[];
  tolerance: { tolerance1dB_um: number; tolerance05dB_um: number } | null;
}

/** Iso-power rings of the fitted model, dB below its peak. */
const ISO_LEVELS_DB = [3, 10];

export function alignHeatmap(table: ColumnTable, fit: FitRecord | undefined): AlignHeatmapData {
  const x = table.col('x_um'), y = table.col('y_um'), p = table.col('power_dBm');
  let best: AlignHeatmapData['best'] = null;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (Number.isFinite(v) && (!best || v > best.power_dBm)) best = { x_um: x[i] as number, y_um: y[i] as number, power_dBm: v };
  }
  const g = gaussianParams(fit);
  const bx = finiteRange(x), by = finiteRange(y);
  const contours: Contour[] = [];
  let tolerance: AlignHeatmapData['tolerance'] = null;
  let peak_dBm: number | null = null;
  if (g) {
    const t = gaussianTolerances({ radius_um: g.radius_um, sigma: { ...g.sigma, peak_mW: 0, background_mW: 0 } });
    tolerance = { tolerance1dB_um: t.tolerance1dB_um, tolerance05dB_um: t.tolerance05dB_um };
    contours.push({ label: '0.5 dB', radius_um: t.tolerance05dB_um, kind: 'tolerance' });
    contours.push({ label: '1 dB', radius_um: t.tolerance1dB_um, kind: 'tolerance' });
    const centre_mW = g.peak_mW + g.background_mW;
    peak_dBm = mwToDbm(centre_mW);
    for (const level of ISO_LEVELS_DB) {
      const r = isoRadius_um(g, centre_mW * 10 ** (-level / 10));
      if (r !== null) contours.push({ label: `${level} dB`, radius_um: r, kind: 'iso' });
    }
  }
  return {
    x_um: x, y_um: y, power_dBm: p, points: table.length,
    bounds: bx && by ? { x: bx, y: by } : null,
    power: finiteRange(p), best, fit: g, peak_dBm, contours, tolerance,
  };
}

/** ρ where B + A·exp(−2ρ²/R²) = level (null when the level is at or below the background). */
function isoRadius_um(g: GaussianParams, level_mW: number): number | null {
  const f = (level_mW - g.background_mW) / g.peak_mW;
  if (!(f > 0 && f < 1)) return null;
  return Math.sqrt((-(g.radius_um ** 2) / 2) * Math.log(f));
}

/** The radial profile covers readings within this many fitted radii: beyond, the meter floor dominates. */
export const PROFILE_RADII = 3;

export interface RadialProfileData {
  /** [ρ_um, measured dBm, model dBm]: the readings sorted by ρ merged with a regular grid for the model */
  main: [number[], (number | null)[], (number | null)[]];
  /** [ρ_um, measured − model dB] */
  residuals: [PlotColumn, PlotColumn];
  /** RMS of the residuals within the 3-dB ring, dB (where the fit matters). */
  coreRms_dB: number | null;
  /** Readings shown: within PROFILE_RADII·R of the centre, search (first-light) readings left out. */
  readings: number;
}

export function radialProfile(table: ColumnTable, g: GaussianParams): RadialProfileData {
  const x = table.col('x_um'), y = table.col('y_um'), p = table.col('power_dBm');
  const phase = table.has('phase') ? table.values('phase') : null;
  const rhoMax = PROFILE_RADII * g.radius_um;
  const keep: number[] = [];
  const rho = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    rho[i] = Math.hypot((x[i] as number) - g.x0_um, (y[i] as number) - g.y0_um);
    // The search for first light samples the whole area coarsely; the peaking phases are what the fit saw.
    if ((rho[i] as number) <= rhoMax && phase?.[i] !== 'first-light') keep.push(i);
  }
  const kept = Uint32Array.from(keep);
  const order = Uint32Array.from(ascendingOrder(Float64Array.from(kept, (i) => rho[i] as number)), (k) => kept[k] as number);
  const r = new Float64Array(order.length), meas = new Float64Array(order.length), resid = new Float64Array(order.length);
  let sum = 0, n = 0;
  const core_um = isoRadius_um(g, (g.peak_mW + g.background_mW) / 2) ?? g.radius_um;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    r[k] = rho[i] as number;
    meas[k] = p[i] as number;
    const model_mW = gaussianSurface(g, x[i] as number, y[i] as number);
    resid[k] = model_mW > 0 && Number.isFinite(meas[k] as number) ? (meas[k] as number) - mwToDbm(model_mW) : Number.NaN;
    if ((r[k] as number) <= core_um && Number.isFinite(resid[k] as number)) { sum += (resid[k] as number) ** 2; n++; }
  }
  const grid = linspace(0, rhoMax, 200);
  const modelDbm = grid.map((rr) => {
    const mw = gaussianSurface(g, g.x0_um + rr, g.y0_um);
    return mw > 0 ? mwToDbm(mw) : Number.NaN;
  });
  return {
    main: mergeSorted({ x: r, y: meas }, { x: grid, y: modelDbm }),
    residuals: [r, gapsAsNull(resid)],
    coreRms_dB: n > 0 ? Math.sqrt(sum / n) : null,
    readings: order.length,
  };
}
