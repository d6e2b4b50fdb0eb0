// method: extrapolate — when to stop counting and let the receiver model give the sensitivity. Pure.
// Points are measured from high BER down; once the trend predicts the next point below `fit_from`, the model
// is fitted to every point counted so far (models/fits/ber-model.ts). A usable fit ends the sweep there; one
// whose quality falls short is said so, and the sweep counts on down directly.
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitBerModel } from '../../../models/fits/ber-model.ts';
import type { BerModelFit, CountedPoint } from '../../../models/fits/ber-model.ts';
import { berTrend } from './prediction.ts';
import type { BerParams } from './schema.ts';
import { MIN_WATERFALL_POINTS } from './schema.ts';
import type { SweptPoint } from './waterfall-report.ts';

/** Points whose counts the model may use: valid counts that were not stopped on their first errors. */
export function modelPoints(points: readonly SweptPoint[]): CountedPoint[] {
  return points.filter((x) => (x.status === 'measured' || x.status === 'limited') && x.bits > 0 && Number.isFinite(x.power_dBm))
    .map((x) => ({ power_dBm: x.power_dBm, bits: x.bits, errors: x.errors }));
}

/** The model fit, or the FitError that says why there is none. */
export function tryBerModel(points: readonly SweptPoint[], targetBer: number, confidence: number): BerModelFit | FitError {
  try {
    return fitBerModel(modelPoints(points), { targetBer, confidence, minPoints: MIN_WATERFALL_POINTS });
  } catch (err) {
    if (err instanceof FitError) return err;
    throw err;
  }
}

export type ModelDecision =
  | { action: 'measure' }
  | { action: 'extrapolate'; fit: BerModelFit; message: string }
  | { action: 'count-down'; message: string };

/** Before point `index` (of `total`): measure it, leave it and the rest to the model, or give the model up. */
export function modelDecision(points: readonly SweptPoint[], p: Pick<BerParams, 'target' | 'confidence' | 'fit_from'>, index: number, total: number): ModelDecision {
  const last = points.at(-1);
  const trend = berTrend(points, p.target, last?.power_dBm);
  if (!trend || !last || !Number.isFinite(last.power_dBm)) return { action: 'measure' };
  // The next point is about one step above the last; the trend at the last point plus its slope says where it lands.
  const counted = modelPoints(points);
  const lastBer = last.bits > 0 && last.errors > 0 ? last.errors / last.bits : trend.predict(last.power_dBm);
  const step = counted.length >= 2 ? Math.abs((counted.at(-1)?.power_dBm ?? 0) - (counted.at(-2)?.power_dBm ?? 0)) : 0;
  const nextBer = trend.predict(last.power_dBm + step);
  if (!(lastBer < p.fit_from * 10 && nextBer < p.fit_from)) return { action: 'measure' };
  const fit = tryBerModel(points, p.target, p.confidence);
  const left = total - index;
  if (fit instanceof FitError) {
    return { action: 'count-down', message: `no model fit (${fit.message}): counting the ${left} remaining points down directly` };
  }
  if (!fit.usable) {
    return { action: 'count-down', message: `the model fit's quality is below its threshold (${fit.why}): its sensitivity is not trusted; counting the ${left} remaining points down directly` };
  }
  return {
    action: 'extrapolate', fit,
    message: `model fit on ${fit.points} points down to BER ${p.fit_from} (${fit.why}): sensitivity at ${p.target} ` +
      `${fit.sensitivity_dBm.toFixed(2)} dBm, ${Math.round(fit.confidence * 100)} % interval ${fit.interval_dBm.low.toFixed(2)}…${fit.interval_dBm.high.toFixed(2)} dBm; ` +
      `the ${left} points below fit_from are left to the model`,
  };
}
