// The grating fit of a measured spectrum, as a FitRecord and the step's measurements. Pure.
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitGratingSpectrum } from '../../../models/fits/grating-spectrum.ts';
import type { SpectrumFit } from '../../../models/fits/grating-spectrum.ts';
import type { FitRecord, Measurement } from '../../step.ts';
import { usableRows } from './spectrum.ts';
import type { SpectrumRow } from './spectrum.ts';

export interface SpectrumAnalysis {
  /** Null when the data hold no fittable peak (fitError says why). */
  fit: SpectrumFit | null;
  fitError?: FitError;
  record?: FitRecord;
  measurements: Record<string, Measurement>;
  /** What a reader of the records should know (points left out, the peak outside the span). */
  warnings: string[];
}

/** Fits the rows with fitGratingSpectrum (within `window_dB` of the lowest loss) and names the results. */
export function analyseSpectrum(rows: readonly SpectrumRow[], window_dB: number): SpectrumAnalysis {
  const { rows: ok, dark, overrange } = usableRows(rows);
  const warnings: string[] = [];
  if (dark > 0) warnings.push(`${dark} of ${rows.length} points saw no light on a channel and were left out of the fit`);
  if (overrange > 0) warnings.push(`${overrange} of ${rows.length} points were over the meter's range and were left out of the fit`);
  const measurements: Record<string, Measurement> = { points: { value: rows.length, unit: '' } };
  if (ok.length > 0) measurements['minLoss_dB'] = { value: Math.min(...ok.map((r) => r.loss_dB)), unit: 'dB' };
  let fit: SpectrumFit;
  try {
    fit = fitGratingSpectrum(ok.map((r) => ({ wavelength_nm: r.wavelength_nm, loss_dB: r.loss_dB })), { window_dB });
  } catch (err) {
    if (!(err instanceof FitError)) throw err;
    warnings.push(`no grating fit: ${err.message}`);
    return { fit: null, fitError: err, measurements, warnings };
  }
  if (fit.extrapolated) warnings.push(`the fitted centre ${fit.centre_nm.toFixed(2)} nm lies outside the swept range: widen the sweep`);
  Object.assign(measurements, {
    centre_nm: { value: fit.centre_nm, unit: 'nm' },
    centreSigma_nm: { value: fit.sigma.centre_nm, unit: 'nm' },
    peakLoss_dB: { value: fit.peakLoss_dB, unit: 'dB' },
    peakLossSigma_dB: { value: fit.sigma.peakLoss_dB, unit: 'dB' },
    bandwidth1dB_nm: { value: fit.bandwidth1dB_nm, unit: 'nm' },
    bandwidth1dBSigma_nm: { value: fit.sigma.bandwidth1dB_nm, unit: 'nm' },
    rSquared: { value: fit.rSquared, unit: '' },
  });
  const record: FitRecord = {
    parameters: {
      centre_nm: { value: fit.centre_nm, sigma: fit.sigma.centre_nm, unit: 'nm' },
      peakLoss_dB: { value: fit.peakLoss_dB, sigma: fit.sigma.peakLoss_dB, unit: 'dB' },
      bandwidth1dB_nm: { value: fit.bandwidth1dB_nm, sigma: fit.sigma.bandwidth1dB_nm, unit: 'nm' },
    },
    rSquared: fit.rSquared,
    points: fit.used.length,
    extra: { model: 'IL = peakLoss + ((λ − centre)/(bandwidth1dB/2))²', window_dB, residualRms_dB: fit.residualRms_dB, extrapolated: fit.extrapolated },
  };
  return { fit, record, measurements, warnings };
}
