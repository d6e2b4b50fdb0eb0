// The IL spectrum beside its grating model: measured loss_dB against wavelength_nm, the model curve
// (models' gratingLoss_dB with the step's fitted centre, peak loss and 1-dB bandwidth) on the same
// wavelengths, and the residuals. Before the step's fit arrives (a sweep still running), the curve is a
// provisional fit of the points so far by the same models/ fit the step uses, labelled as such.
import type { FitRecord } from '../api/types.ts';
import { FitError } from '../../models/fits/fit-error.ts';
import { fitGratingSpectrum, SPECTRUM_MIN_POINTS } from '../../models/fits/grating-spectrum.ts';
import { gratingLoss_dB } from '../../models/grating.ts';
import type { GratingCoupler } from '../../models/grating.ts';
import type { ColumnTable } from './column-table.ts';
import { gratingParams } from './fit-params.ts';
import { ascendingOrder, gapsAsNull, isAscending, pick } from './plot-arrays.ts';
import type { PlotColumn } from './plot-arrays.ts';

export type ModelSource = 'step' | 'provisional' | 'none';

export interface SpectrumPlotData {
  /** [wavelength_nm, measured loss_dB, model loss_dB] */
  main: [PlotColumn, PlotColumn, PlotColumn];
  /** [wavelength_nm, measured − model, dB] */
  residuals: [PlotColumn, PlotColumn];
  model: (GratingCoupler & { extrapolated: boolean }) | null;
  source: ModelSource;
  /** Why no model curve is drawn, or what to know about it. */
  note: string | null;
  points: number;
}

/** Spectra larger than this are thinned for the provisional fit only (the step fits every point). */
const PROVISIONAL_MAX_POINTS = 4000;
/** The step's default fit window (sweep `fit_window`), dB. */
const PROVISIONAL_WINDOW_DB = 6;

/**
 * `provisional`: a provisional model from an earlier call to reuse (a long sweep is not refitted every
 * frame); ignored when the step's fit is there.
 */
export function spectrumPlot(table: ColumnTable, fit: FitRecord | undefined, provisional?: SpectrumPlotData['model']): SpectrumPlotData {
  let x = table.col('wavelength_nm');
  let y = table.col('loss_dB');
  if (!isAscending(x)) {
    const order = ascendingOrder(x);
    x = pick(x, order);
    y = pick(y, order);
  }
  let model: SpectrumPlotData['model'] = gratingParams(fit);
  let source: ModelSource = model ? 'step' : 'none';
  let note: string | null = null;
  if (!model && fit) note = 'the step\'s fit record lacks centre_nm, peakLoss_dB or bandwidth1dB_nm';
  if (!model && !fit && provisional) {
    model = provisional;
    source = 'provisional';
  } else if (!model && !fit) {
    const p = provisionalFit(x, y);
    if ('fit' in p) {
      model = { ...p.fit, extrapolated: p.fit.extrapolated };
      source = 'provisional';
    } else {
      note = p.why;
    }
  }
  if (model?.extrapolated) note = 'the fitted centre lies outside the swept range (extrapolated)';
  const modelY = new Float64Array(x.length).fill(Number.NaN);
  const resid = new Float64Array(x.length).fill(Number.NaN);
  if (model) {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      if (!Number.isFinite(xi)) continue;
      const m = gratingLoss_dB(xi, model);
      modelY[i] = m;
      resid[i] = (y[i] as number) - m;
    }
  }
  const xs = gapsAsNull(x);
  return { main: [xs, gapsAsNull(y), gapsAsNull(modelY)], residuals: [xs, gapsAsNull(resid)], model, source, note, points: table.length };
}

function provisionalFit(x: Float64Array, y: Float64Array): { fit: GratingCoupler & { extrapolated: boolean } } | { why: string } {
  const pts: { wavelength_nm: number; loss_dB: number }[] = [];
  const stride = Math.max(1, Math.ceil(x.length / PROVISIONAL_MAX_POINTS));
  for (let i = 0; i < x.length; i += stride) {
    const w = x[i] as number, l = y[i] as number;
    if (Number.isFinite(w) && w > 0 && Number.isFinite(l)) pts.push({ wavelength_nm: w, loss_dB: l });
  }
  if (pts.length < SPECTRUM_MIN_POINTS) return { why: `a model curve needs ${SPECTRUM_MIN_POINTS} points; ${pts.length} so far` };
  try {
    const f = fitGratingSpectrum(pts, { window_dB: PROVISIONAL_WINDOW_DB });
    return { fit: { centre_nm: f.centre_nm, peakLoss_dB: f.peakLoss_dB, bandwidth1dB_nm: f.bandwidth1dB_nm, extrapolated: f.extrapolated } };
  } catch (err) {
    if (err instanceof FitError) return { why: `no provisional fit yet: ${err.message}` };
    throw err;
  }
}
