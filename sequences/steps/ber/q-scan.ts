// The ber step's optional Q scan (`q_scan:`): at one attenuation, the BER against the detector's decision
// threshold (a bathtub), each threshold counted in one timed gate, and the Q factor from the bathtub's two
// walls (models/fits/threshold-q.ts, as J-BERT's Q-factor method). Runs after the sweep, on a BERT that can
// move its threshold; the threshold is put back to where it was, whatever happens.
import { z } from 'zod';
import { FitError } from '../../../models/fits/fit-error.ts';
import { qFromThresholdScan } from '../../../models/fits/threshold-q.ts';
import type { ThresholdPoint } from '../../../models/fits/threshold-q.ts';
import { q } from '../../schema/q.ts';
import type { Measurement, StepContext, TableSpec } from '../../step.ts';

export const qScanSchema = z.strictObject({
  /** Where the scan runs: an attenuation whose centred BER is low enough for the eye to have walls. */
  attenuation: q.ratio_dB({ min: 0 }),
  /** Threshold range from the eye's nominal centre, mV. */
  start_mV: q.number(),
  stop_mV: q.number(),
  step_mV: q.number({ positive: true }),
  /** Each threshold's gate (whole seconds on BERTs such as the MP1900A). */
  gate: q.duration_s({ min: 1e-3 }).default(1),
}, { error: 'expected { attenuation: 9dB, start_mV: -45, stop_mV: 45, step_mV: 5, gate: 1s }' });

export type QScanParams = z.output<typeof qScanSchema>;

export const QSCAN_COLUMNS = ['threshold_V', 'bits', 'errors', 'ber'];

export function qScanTable(): TableSpec {
  return { name: 'qscan', columns: QSCAN_COLUMNS, description: 'BER against the decision threshold at the q_scan attenuation (a bathtub); Q from its two walls' };
}

export const QSCAN_MEASUREMENTS: Record<string, string> = { qScan_Q: '', qScan_optimum_V: 'V', qScan_power_dBm: 'dBm' };

function thresholds_mV(p: QScanParams): number[] {
  const lo = Math.min(p.start_mV, p.stop_mV), hi = Math.max(p.start_mV, p.stop_mV);
  const n = Math.floor((hi - lo) / p.step_mV + 1e-9) + 1;
  return Array.from({ length: n }, (_, k) => Number((lo + k * p.step_mV).toFixed(6)));
}

export function validateQScan(p: QScanParams): { field: string; message: string }[] {
  const n = thresholds_mV(p).length;
  return n < 7 ? [{ field: 'q_scan', message: `${n} thresholds; the Q fit needs at least 3 on each wall (7 or more in all)` }] : [];
}

export interface QScanRig {
  voa: { setAttenuation_dB(a: number): Promise<void>; waitSettled(): Promise<void> };
  readPower_dBm(): Promise<number>;
}

export async function runQScan(ctx: StepContext, p: QScanParams, bertRole: string, rig: QScanRig): Promise<Record<string, Measurement>> {
  const bert = ctx.bench.get(bertRole, 'bert');
  const set = bert.setDecisionThreshold_V?.bind(bert), get = bert.decisionThreshold_V?.bind(bert);
  if (!set || !get) {
    throw new Error(`q_scan: the BERT '${bertRole}' (${bert.driverName}) cannot move its decision threshold; remove q_scan or use a BERT that can`);
  }
  await rig.voa.setAttenuation_dB(p.attenuation);
  await rig.voa.waitSettled();
  const power_dBm = await rig.readPower_dBm();
  const before = await get();
  const points: ThresholdPoint[] = [];
  const gate_s = bert.bitGates === 'any' ? p.gate : Math.max(1, Math.round(p.gate));
  try {
    for (const mV of thresholds_mV(p)) {
      await ctx.checkpoint();
      await set(before + mV / 1000);
      await bert.setGate({ mode: 'time', period_s: gate_s });
      await bert.startGate();
      await bert.waitGate(gate_s + 30);
      const r = await bert.results();
      const point = { threshold_V: before + mV / 1000, bits: r.bits, errors: r.errors };
      points.push(point);
      await ctx.point('qscan', { ...point, ber: r.bits > 0 ? r.errors / r.bits : '' });
    }
  } finally {
    await set(before);
  }
  const m: Record<string, Measurement> = { qScan_power_dBm: { value: power_dBm, unit: 'dBm' } };
  try {
    const fit = qFromThresholdScan(points);
    m['qScan_Q'] = { value: fit.q, unit: '' };
    m['qScan_optimum_V'] = { value: fit.optimum_V, unit: 'V' };
    ctx.fit('threshold-q', {
      parameters: { q: { value: fit.q, unit: '' }, optimum_V: { value: fit.optimum_V, unit: 'V' } },
      extra: { railHigh_V: fit.rails.high.mean_V, sigmaHigh_V: fit.rails.high.sigma_V, railLow_V: fit.rails.low.mean_V, sigmaLow_V: fit.rails.low.sigma_V, berAtOptimum: fit.berAtOptimum },
    });
    ctx.log(`q_scan at ${p.attenuation} dB (${power_dBm.toFixed(2)} dBm): Q = ${fit.q.toFixed(3)} from the bathtub's walls, optimum threshold ${(fit.optimum_V * 1000).toFixed(1)} mV`);
  } catch (err) {
    if (!(err instanceof FitError)) throw err;
    ctx.warn(`q_scan at ${p.attenuation} dB: no Q from the threshold scan (${err.message}); widen the scan or lower the attenuation`);
  }
  return m;
}
