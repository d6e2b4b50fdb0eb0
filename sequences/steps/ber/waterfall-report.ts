// The waterfall of a finished sweep: the fit the step reports (PHYSICS.md's log10(−log10 BER) against dBm
// by default), the 20·log10 Q fit beside it (exactly straight for the receiver models, and its slope says
// which noise dominates: 2 dB/dB thermal, 1 dB/dB shot), the receiver model's prediction when the step
// was given the receiver's specification, and the counts of the sweep. Pure.
import { FitError } from '../../../models/fits/fit-error.ts';
import { fitWaterfall } from '../../../models/fits/waterfall.ts';
import type { WaterfallFit, WaterfallMethod } from '../../../models/fits/waterfall.ts';
import { powerForBer } from '../../../models/receiver.ts';
import type { ReceiverModel } from '../../../models/receiver.ts';
import type { BerModelFit } from '../../../models/fits/ber-model.ts';
import type { FitRecord, Measurement } from '../../step.ts';
import { tryBerModel } from './extrapolate.ts';
import type { PointStatus } from './dwell.ts';
import { MIN_WATERFALL_POINTS } from './schema.ts';

export interface SweptPoint {
  attenuation_dB: number;
  power_dBm: number;
  bits: number;
  errors: number;
  status: PointStatus;
  dwell_s: number;
}

export interface WaterfallReport {
  measurements: Record<string, Measurement>;
  fits: Record<string, FitRecord>;
  warnings: string[];
}

export interface ReportOptions {
  targetBer: number;
  method: WaterfallMethod;
  receiver?: ReceiverModel;
  /** Of the model's interval (default 0.95). */
  confidence?: number;
  /** method: extrapolate — the receiver model's sensitivity (when its fit is usable) is the reported one. */
  useModel?: boolean;
}

/** Points whose counts may enter a fit: valid counts (measured, or limited by the dwell) with errors. */
function fittable(points: readonly SweptPoint[]) {
  return points.filter((p) => (p.status === 'measured' || p.status === 'limited') && p.bits > 0 && Number.isFinite(p.power_dBm))
    .map((p) => ({ power_dBm: p.power_dBm, ber: p.errors / p.bits, errors: p.errors }));
}

function fitRecord(fit: WaterfallFit): FitRecord {
  return {
    parameters: {
      sensitivity_dBm: { value: fit.sensitivity_dBm, sigma: fit.sigma.sensitivity_dB, unit: 'dBm' },
      slope: { value: fit.slope, sigma: fit.sigma.slope, unit: fit.method === 'q' ? 'dB/dB' : '1/dB' },
      intercept: { value: fit.intercept, sigma: fit.sigma.intercept, unit: fit.method === 'q' ? 'dB' : '' },
    },
    rSquared: fit.rSquared,
    ...(fit.reducedChiSquare !== undefined ? { reducedChiSquare: fit.reducedChiSquare } : {}),
    points: fit.used.length,
    extra: {
      method: fit.method, targetBer: fit.targetBer, weighting: fit.weighting, extrapolated: fit.extrapolated,
      powerMin_dBm: fit.powerRange_dBm.min, powerMax_dBm: fit.powerRange_dBm.max,
    },
  };
}

function tryFit(points: ReturnType<typeof fittable>, targetBer: number, method: WaterfallMethod): WaterfallFit | FitError {
  try {
    return fitWaterfall(points, { targetBer, method, minPoints: MIN_WATERFALL_POINTS });
  } catch (err) {
    if (err instanceof FitError) return err;
    throw err;
  }
}

function modelRecord(fit: BerModelFit): FitRecord {
  return {
    parameters: {
      sensitivity_dBm: { value: fit.sensitivity_dBm, sigma: fit.sigma.sensitivity_dB, unit: 'dBm' },
      slope: { value: fit.slope, sigma: fit.sigma.slope, unit: 'dB/dB' },
      intercept: { value: fit.intercept_dB, sigma: fit.sigma.intercept_dB, unit: 'dB' },
    },
    rSquared: fit.rSquared,
    points: fit.points,
    extra: {
      model: '20·log10 Q = intercept + slope·P, Poisson likelihood of the counts', targetBer: fit.targetBer,
      confidence: fit.confidence, intervalLow_dBm: fit.interval_dBm.low, intervalHigh_dBm: fit.interval_dBm.high,
      chiSquare: fit.chiSquare, dof: fit.dof, pValue: fit.pValue, powerSigma_dB: fit.sigmaX_dB, usable: fit.usable, quality: fit.why,
      powerMin_dBm: fit.powerRange_dBm.min, powerMax_dBm: fit.powerRange_dBm.max,
    },
  };
}

export function waterfallReport(points: readonly SweptPoint[], o: ReportOptions): WaterfallReport {
  const m: Record<string, Measurement> = {};
  const fits: Record<string, FitRecord> = {};
  const warnings: string[] = [];
  const count = (...s: SweptPoint['status'][]) => points.filter((p) => s.includes(p.status)).length;
  Object.assign(m, {
    points: { value: points.length, unit: '' },
    measuredPoints: { value: count('measured', 'bounded', 'limited', 'failed'), unit: '' },
    skippedPoints: { value: count('skipped'), unit: '' },
    syncLostPoints: { value: count('sync-lost', 'no-sync'), unit: '' },
    dwell_s: { value: points.reduce((s, p) => s + p.dwell_s, 0), unit: 's' },
  });
  const bounded = points.filter((p) => p.status === 'bounded').map((p) => p.power_dBm);
  if (bounded.length > 0) m['boundedPower_dBm'] = { value: Math.min(...bounded), unit: 'dBm' };

  const data = fittable(points);
  const other: WaterfallMethod = o.method === 'loglog' ? 'q' : 'loglog';
  const main = tryFit(data, o.targetBer, o.method);
  const second = tryFit(data, o.targetBer, other);
  if (main instanceof FitError) {
    warnings.push(`no waterfall fit: ${main.message}`);
  } else {
    fits[`waterfall-${main.method}`] = fitRecord(main);
    Object.assign(m, {
      sensitivity_dBm: { value: main.sensitivity_dBm, unit: 'dBm' },
      sensitivitySigma_dB: { value: main.sigma.sensitivity_dB, unit: 'dB' },
      rSquared: { value: main.rSquared, unit: '' },
      sensitivityExtrapolated: { value: main.extrapolated ? 1 : 0, unit: '' },
    });
    if (main.extrapolated) {
      warnings.push(`the sensitivity at BER ${o.targetBer} (${main.sensitivity_dBm.toFixed(2)} dBm) is extrapolated beyond the ` +
        `measured ${main.powerRange_dBm.min.toFixed(2)}…${main.powerRange_dBm.max.toFixed(2)} dBm`);
    }
  }
  if (!(second instanceof FitError)) fits[`waterfall-${second.method}`] = fitRecord(second);
  const q = main instanceof FitError ? second : main.method === 'q' ? main : second;
  if (!(q instanceof FitError)) {
    m['sensitivityQ_dBm'] = { value: q.sensitivity_dBm, unit: 'dBm' };
    m['slopeQ_dB_per_dB'] = { value: q.slope, unit: 'dB/dB' };
  }
  const model = tryBerModel(points, o.targetBer, o.confidence ?? 0.95);
  if (!(model instanceof FitError)) {
    fits['receiver-q-model'] = modelRecord(model);
    if (o.useModel) {
      m['modelUsed'] = { value: model.usable ? 1 : 0, unit: '' };
      if (model.usable) {
        Object.assign(m, {
          sensitivity_dBm: { value: model.sensitivity_dBm, unit: 'dBm' },
          sensitivitySigma_dB: { value: model.sigma.sensitivity_dB, unit: 'dB' },
          sensitivityLow_dBm: { value: model.interval_dBm.low, unit: 'dBm' },
          sensitivityHigh_dBm: { value: model.interval_dBm.high, unit: 'dBm' },
          rSquared: { value: model.rSquared, unit: '' },
          sensitivityExtrapolated: { value: 1, unit: '' },
        });
      } else {
        warnings.push(`the model fit's quality is below its threshold (${model.why}): the sensitivity reported is the waterfall fit's`);
      }
    }
  } else if (o.useModel) {
    m['modelUsed'] = { value: 0, unit: '' };
    warnings.push(`no model fit: ${model.message}`);
  }
  if (o.receiver) {
    const predicted = powerForBer(o.targetBer, o.receiver);
    m['predictedSensitivity_dBm'] = { value: predicted, unit: 'dBm' };
    fits['receiver-model'] = {
      parameters: { sensitivity_dBm: { value: predicted, unit: 'dBm' } },
      extra: { kind: o.receiver.kind, specifiedAt_dBm: o.receiver.sensitivity_dBm, specifiedAtBer: o.receiver.atBer, targetBer: o.targetBer },
    };
    if (!(main instanceof FitError)) m['margin_dB'] = { value: predicted - main.sensitivity_dBm, unit: 'dB' };
  }
  return { measurements: m, fits, warnings };
}
