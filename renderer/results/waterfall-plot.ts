// The BER waterfall beside its model: measured BER against received power (log axis), each point's
// confidence interval, upper bounds for error-free points, points lost to sync or skipped marked apart,
// the model curve (models' waterfallCurve with the step's fitted slope and intercept) and the sensitivity
// at the target BER. Before the step's fit arrives the curve is a provisional fitWaterfall of the counted
// points so far (same models/ code, labelled provisional).
import type { FitRecord } from '../api/types.ts';
import { FitError } from '../../models/fits/fit-error.ts';
import { berModelAt } from '../../models/fits/ber-model.ts';
import { fitWaterfall, waterfallCurve } from '../../models/fits/waterfall.ts';
import type { ColumnTable } from './column-table.ts';
import { waterfallParams } from './fit-params.ts';
import type { WaterfallParams } from './fit-params.ts';
import { finiteRange, linspace, mergeOnX } from './plot-arrays.ts';
import { preFecView, thresholdLine } from './pre-fec-view.ts';
import type { PreFecView } from './pre-fec-view.ts';
import type { ModelSource } from './spectrum-plot.ts';

export interface BerPoint {
  power_dBm: number;
  ber: number;
  lower: number | null;
  upper: number | null;
  errors: number;
  bits: number;
  status: string;
}

/** The receiver model fitted to the counts (fit 'receiver-q-model'), with its sensitivity's interval. */
export interface QModel {
  slope: number;
  intercept_dB: number;
  targetBer: number;
  sensitivity_dBm: number;
  low_dBm: number;
  high_dBm: number;
  confidence: number;
  usable: boolean;
  quality: string;
}

export interface WaterfallPlotData {
  /**
   * [power_dBm, measured BER, upper bound (error-free points), model BER, other-method model BER, receiver
   * model BER, the receiver model through each end of its sensitivity's interval, and the pre-FEC threshold]
   * on one ascending x.
   */
  main: (number | null)[][];
  /** [power_dBm, log10(measured / model) decades] */
  residuals: (number | null)[][];
  points: BerPoint[];
  /** Points not counted (sync lost, skipped): drawn as marks on the power axis. */
  uncounted: BerPoint[];
  model: WaterfallParams | null;
  /** The step's fit by the other method (drawn thin, for comparison). */
  alternate: WaterfallParams | null;
  /** The receiver specification's sensitivity at the target BER (a marker), when given to the step. */
  predicted_dBm: number | null;
  /** The receiver model fitted to the counts, drawn with its interval (method: extrapolate reports it). */
  qModel: QModel | null;
  /** A `mode: pre-fec` run: the threshold, the sensitivity there with its interval, the post-FEC verdict. */
  preFec: PreFecView | null;
  source: ModelSource;
  note: string | null;
}

/** Model curves stop here: below it a BER means nothing on a bench. */
const MODEL_FLOOR_BER = 1e-15;
const MODEL_CURVE_POINTS = 120;
const PROVISIONAL_MIN_POINTS = 5;
const DEFAULT_TARGET_BER = 1e-12;

export function berPoints(table: ColumnTable): BerPoint[] {
  const p = table.col('power_dBm'), ber = table.col('ber'), lo = table.col('ber_lower'), hi = table.col('ber_upper');
  const errors = table.col('errors'), bits = table.col('bits');
  const status = table.values('status');
  const out: BerPoint[] = [];
  for (let i = 0; i < table.length; i++) {
    const power = p[i] as number;
    if (!Number.isFinite(power)) continue;
    const num = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
    out.push({
      power_dBm: power, ber: num(ber[i]) ?? Number.NaN, lower: num(lo[i]), upper: num(hi[i]),
      errors: num(errors[i]) ?? 0, bits: num(bits[i]) ?? 0, status: typeof status[i] === 'string' ? (status[i] as string) : 'measured',
    });
  }
  return out.sort((a, b) => a.power_dBm - b.power_dBm);
}

/** Statuses whose counts are valid (the ber step's PointStatus); others (sync lost, skipped) were not counted. */
const COUNTED = new Set(['measured', 'bounded', 'limited', 'failed']);
const counted = (p: BerPoint) => COUNTED.has(p.status);

/** The fits a ber step emits: 'waterfall-<method>' (the step's method first, then the other), 'receiver-model'. */
export interface WaterfallFits {
  main?: FitRecord;
  alternate?: FitRecord;
  /** The receiver specification's predicted sensitivity, when the step was given one. */
  receiver?: FitRecord;
  /** The receiver model fitted to the counts ('receiver-q-model'). */
  qModel?: FitRecord;
  /** A pre-FEC run's threshold, sensitivity and post-FEC verdict ('pre-fec'). */
  preFec?: FitRecord;
}

export function pickWaterfallFits(fits: ReadonlyMap<string, FitRecord>): WaterfallFits {
  const lines = [...fits.entries()].filter(([k]) => k === 'waterfall' || k.startsWith('waterfall-'));
  const out: WaterfallFits = {};
  if (lines[0]) out.main = lines[0][1];
  if (lines[1]) out.alternate = lines[1][1];
  const rx = fits.get('receiver-model');
  if (rx) out.receiver = rx;
  const q = fits.get('receiver-q-model');
  if (q) out.qModel = q;
  const pre = fits.get('pre-fec');
  if (pre) out.preFec = pre;
  return out;
}

export function waterfallPlot(table: ColumnTable, fits: WaterfallFits, targetBer_hint?: number): WaterfallPlotData {
  const fit = fits.main;
  const all = berPoints(table);
  const points = all.filter(counted);
  const uncounted = all.filter((p) => !counted(p));
  const preFec = preFecView(fits.preFec);
  let model = waterfallParams(fit);
  let source: ModelSource = model ? 'step' : 'none';
  let note: string | null = fit && !model ? 'the step\'s fit record lacks slope and intercept' : null;
  if (!model && !fit) {
    const prov = provisional(points, preFec?.threshold ?? targetBer_hint ?? DEFAULT_TARGET_BER);
    if ('fit' in prov) { model = prov.fit; source = 'provisional'; } else note = prov.why;
  }
  if (model?.extrapolated) note = 'the sensitivity is extrapolated beyond the measured powers';

  const withErrors = points.filter((p) => p.status !== 'bounded' && p.errors > 0 && p.ber > 0);
  // A bounded point's claim is its upper bound (too few errors for a value): drawn as an open marker there.
  const bounded = points.filter((p) => (p.status === 'bounded' || p.errors === 0) && p.upper !== null && p.upper > 0);
  const curve = model ? modelCurve(model, all) : [];
  const alternate = source === 'step' ? waterfallParams(fits.alternate) : null;
  const altCurve = alternate ? modelCurve(alternate, all) : [];
  const qModel = qModelOf(fits.qModel);
  const qCurves = qModel ? qModelCurves(qModel, all) : { model: [], low: [], high: [] };
  const main = mergeOnX([
    { x: withErrors.map((p) => p.power_dBm), y: withErrors.map((p) => p.ber) },
    { x: bounded.map((p) => p.power_dBm), y: bounded.map((p) => p.upper) },
    { x: curve.map((c) => c.power_dBm), y: curve.map((c) => c.ber) },
    { x: altCurve.map((c) => c.power_dBm), y: altCurve.map((c) => c.ber) },
    ...[qCurves.model, qCurves.low, qCurves.high].map((c) => ({ x: c.map((v) => v.power_dBm), y: c.map((v) => v.ber) })),
    preFec ? thresholdLine(preFec, [...all.map((p) => p.power_dBm), ...curve.map((c) => c.power_dBm)]) : { x: [], y: [] },
  ]);
  const rx = fits.receiver?.parameters['sensitivity_dBm']?.value;
  const predicted_dBm = typeof rx === 'number' && Number.isFinite(rx) ? rx : null;
  const residuals: (number | null)[][] = [withErrors.map((p) => p.power_dBm), withErrors.map(() => null)];
  if (model) {
    const predicted = waterfallCurve(model, withErrors.map((p) => p.power_dBm));
    residuals[1] = withErrors.map((p, i) => {
      const m = predicted[i]?.ber ?? 0;
      return m > 0 ? Math.log10(p.ber / m) : null;
    });
  }
  return { main, residuals, points, uncounted, model, alternate, predicted_dBm, qModel, preFec, source, note };
}

function qModelOf(fit: FitRecord | undefined): QModel | null {
  if (!fit) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const slope = num(fit.parameters['slope']?.value), intercept_dB = num(fit.parameters['intercept']?.value);
  const sensitivity_dBm = num(fit.parameters['sensitivity_dBm']?.value);
  const x = fit.extra ?? {};
  const low_dBm = num(x['intervalLow_dBm']), high_dBm = num(x['intervalHigh_dBm']), targetBer = num(x['targetBer']);
  if (slope === null || intercept_dB === null || sensitivity_dBm === null || low_dBm === null || high_dBm === null || targetBer === null) return null;
  return {
    slope, intercept_dB, sensitivity_dBm, low_dBm, high_dBm, targetBer, confidence: num(x['confidence']) ?? 0.95,
    usable: x['usable'] === true, quality: typeof x['quality'] === 'string' ? x['quality'] : '',
  };
}

/** The receiver model, and the same model through each end of the sensitivity's interval (a band along the curve). */
function qModelCurves(m: QModel, pts: readonly BerPoint[]): Record<'model' | 'low' | 'high', { power_dBm: number; ber: number }[]> {
  const r = finiteRange(pts.map((p) => p.power_dBm));
  const lo = Math.min((r?.min ?? m.sensitivity_dBm) - 1, m.low_dBm - 0.5), hi = Math.max((r?.max ?? m.sensitivity_dBm) + 1, m.high_dBm + 0.5);
  const xs = linspace(lo, hi, MODEL_CURVE_POINTS);
  const at = (shift: number) => xs.map((power_dBm) => ({ power_dBm, ber: berModelAt(m, power_dBm - shift) }))
    .filter((c) => Number.isFinite(c.ber) && c.ber >= MODEL_FLOOR_BER && c.ber < 0.5);
  return { model: at(0), low: at(m.low_dBm - m.sensitivity_dBm), high: at(m.high_dBm - m.sensitivity_dBm) };
}

/** The model from a little below the lowest measured power to past the sensitivity (or the floor BER). */
function modelCurve(model: WaterfallParams, pts: readonly BerPoint[]): { power_dBm: number; ber: number }[] {
  const r = finiteRange(pts.map((p) => p.power_dBm));
  let lo = (r?.min ?? -20) - 1, hi = (r?.max ?? -10) + 1;
  if (model.sensitivity_dBm !== null && Number.isFinite(model.sensitivity_dBm)) {
    lo = Math.min(lo, model.sensitivity_dBm - 1);
    hi = Math.max(hi, model.sensitivity_dBm + 1);
  }
  return waterfallCurve(model, linspace(lo, hi, MODEL_CURVE_POINTS))
    .filter((c) => Number.isFinite(c.ber) && c.ber >= MODEL_FLOOR_BER && c.ber < 0.5);
}

function provisional(points: readonly BerPoint[], targetBer: number): { fit: WaterfallParams } | { why: string } {
  const usable = points.filter((p) => p.errors > 0 && p.ber > 0 && p.ber < 0.5);
  if (usable.length < PROVISIONAL_MIN_POINTS) {
    return { why: `a model curve needs ${PROVISIONAL_MIN_POINTS} points with errors; ${usable.length} so far` };
  }
  try {
    const f = fitWaterfall(usable.map((p) => ({ power_dBm: p.power_dBm, ber: p.ber, errors: p.errors })), { targetBer, method: 'loglog' });
    return {
      fit: {
        method: f.method, slope: f.slope, intercept: f.intercept, targetBer, sensitivity_dBm: f.sensitivity_dBm,
        sensitivitySigma_dB: f.sigma.sensitivity_dB, extrapolated: f.extrapolated,
      },
    };
  } catch (err) {
    if (err instanceof FitError) return { why: `no provisional fit yet: ${err.message}` };
    throw err;
  }
}
