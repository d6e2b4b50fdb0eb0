// A step's FitRecord (parameters with units and sigmas) read back into the parameter objects the models/
// curve functions take. A record without the parameters a model needs yields null (the plot then shows
// the measurement alone and says why), never a curve drawn from made-up numbers.
import type { FitRecord } from '../api/types.ts';
import { dBmToMw } from '../../models/units.ts';
import type { GratingCoupler } from '../../models/grating.ts';
import type { WaterfallMethod } from '../../models/fits/waterfall.ts';

export interface FitValue {
  value: number;
  sigma: number | null;
  unit: string;
}

function param(rec: FitRecord, ...names: string[]): FitValue | null {
  for (const n of names) {
    const p = rec.parameters[n];
    if (p && Number.isFinite(p.value)) return { value: p.value, sigma: p.sigma ?? null, unit: p.unit };
  }
  return null;
}

function extraNumber(rec: FitRecord, name: string): number | null {
  const v = rec.extra?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The 2-D Gaussian of an alignment ('gaussian2d'), in the shape gaussianSurface takes. */
export interface GaussianParams {
  x0_um: number;
  y0_um: number;
  /** Amplitude above the background, mW (peak_dBm in the record is the power at the centre). */
  peak_mW: number;
  background_mW: number;
  radius_um: number;
  sigma: { radius_um: number; x0_um: number; y0_um: number };
  peakInsideScan: boolean | null;
}

export function gaussianParams(rec: FitRecord | undefined): GaussianParams | null {
  if (!rec) return null;
  const x0 = param(rec, 'x0_um'), y0 = param(rec, 'y0_um'), r = param(rec, 'radius_um');
  const peak = param(rec, 'peak_dBm'), bg = param(rec, 'background_mW');
  if (!x0 || !y0 || !r || !peak || !(r.value > 0)) return null;
  const background_mW = bg?.value ?? 0;
  const inside = rec.extra?.['peakInsideScan'];
  return {
    x0_um: x0.value, y0_um: y0.value, radius_um: r.value, background_mW,
    peak_mW: dBmToMw(peak.value) - background_mW,
    sigma: { radius_um: r.sigma ?? 0, x0_um: x0.sigma ?? 0, y0_um: y0.sigma ?? 0 },
    peakInsideScan: typeof inside === 'boolean' ? inside : null,
  };
}

/** The grating-coupler parabola of a spectrum fit ('grating'). */
export function gratingParams(rec: FitRecord | undefined): (GratingCoupler & { extrapolated: boolean }) | null {
  if (!rec) return null;
  const c = param(rec, 'centre_nm'), il = param(rec, 'peakLoss_dB'), bw = param(rec, 'bandwidth1dB_nm');
  if (!c || !il || !bw || !(bw.value > 0)) return null;
  return { centre_nm: c.value, peakLoss_dB: il.value, bandwidth1dB_nm: bw.value, extrapolated: rec.extra?.['extrapolated'] === true };
}

/** The waterfall line of a BER fit ('waterfall'): what waterfallCurve needs, and the sensitivity. */
export interface WaterfallParams {
  method: WaterfallMethod;
  slope: number;
  intercept: number;
  targetBer: number | null;
  sensitivity_dBm: number | null;
  sensitivitySigma_dB: number | null;
  extrapolated: boolean;
}

export function waterfallParams(rec: FitRecord | undefined): WaterfallParams | null {
  if (!rec) return null;
  const slope = param(rec, 'slope'), intercept = param(rec, 'intercept');
  if (!slope || !intercept) return null;
  const m = rec.extra?.['method'];
  const sens = param(rec, 'sensitivity_dBm');
  return {
    method: m === 'q' ? 'q' : 'loglog',
    slope: slope.value,
    intercept: intercept.value,
    targetBer: param(rec, 'targetBer', 'target_ber')?.value ?? extraNumber(rec, 'targetBer') ?? extraNumber(rec, 'target_ber'),
    sensitivity_dBm: sens?.value ?? null,
    sensitivitySigma_dB: sens?.sigma ?? null,
    extrapolated: rec.extra?.['extrapolated'] === true,
  };
}

/** "x0_um = 12.34 ± 0.05 µm" lines for a fit's legend. */
export function describeFit(rec: FitRecord): string[] {
  const lines = Object.entries(rec.parameters).map(([name, p]) => {
    const digits = Math.abs(p.value) >= 100 ? 2 : Math.abs(p.value) >= 1 ? 3 : 4;
    const sigma = p.sigma !== undefined && Number.isFinite(p.sigma) ? ` ± ${formatSigma(p.sigma)}` : '';
    return `${name} = ${formatValue(p.value, digits)}${sigma}${p.unit ? ` ${prettyUnit(p.unit)}` : ''}`;
  });
  if (rec.rSquared !== undefined) lines.push(`R² = ${rec.rSquared.toFixed(4)}`);
  if (rec.reducedChiSquare !== undefined) lines.push(`χ²/dof = ${rec.reducedChiSquare.toFixed(2)}`);
  return lines;
}

function formatValue(v: number, digits: number): string {
  return Math.abs(v) > 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(2) : v.toFixed(digits);
}

function formatSigma(s: number): string {
  return s > 0 && (s < 1e-3 || s >= 1e6) ? s.toExponential(1) : s.toPrecision(2);
}

export function prettyUnit(unit: string): string {
  return unit === 'um' ? 'µm' : unit;
}
