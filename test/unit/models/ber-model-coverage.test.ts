// The model-based sensitivity's interval, tested for coverage over 200 simulated links: each seed draws the
// simulator's hidden receiver (drawTruth), lays out the grid a user would (0.3 dB apart from BER ~1e-3 down
// to the fit_from BER 1e-9), reads each point's power as the meter would (0.2 % noise), and counts it with
// the simulator's own gate (sim/instruments/bert-gate.ts, Poisson pieces) under the ber step's dwell rule
// (±50 % at 95 %: 23 errors), looked at as the step's live counting looks. The 95 % interval must hold the
// true sensitivity at 1e-12 in 93–97 % of the seeds. Fast: bench time is a number here, no I/O.
import { describe, expect, it } from 'vitest';
import { berModelAt, fitBerModel } from '../../../models/fits/ber-model.ts';
import type { CountedPoint } from '../../../models/fits/ber-model.ts';
import { FitError } from '../../../models/fits/fit-error.ts';
import { powerForBer } from '../../../models/receiver.ts';
import { decideDwell, errorsForPrecision } from '../../../sequences/steps/ber/dwell.ts';
import type { DwellGoals } from '../../../sequences/steps/ber/dwell.ts';
import { Gate } from '../../../sim/instruments/bert-gate.ts';
import { SeededRandom } from '../../../sim/random.ts';
import { drawTruth } from '../../../sim/world/truth.ts';
import { receiverBer } from '../../../sim/world/receiver-link.ts';

const RATE_HZ = 25.78125e9;
const TARGET = 1e-12;
const FIT_FROM = 1e-9;
const STEP_DB = 0.3;

function goals(): DwellGoals {
  return { confidence: 0.95, targetBer: TARGET, minErrors: errorsForPrecision(0.5, 0.95), maxBits: 200 * RATE_HZ, minGateBits: 0.01 * RATE_HZ, growth: 4 };
}

/** One point counted on the simulator's gate, looked at as live counting does. */
function countPoint(ber: number, rng: SeededRandom): { bits: number; errors: number } {
  const g = goals();
  const gate = new Gate(0, 230, () => ({ synced: true, ber, rate_Hz: RATE_HZ }), rng);
  let t = 0;
  let c = { bits: 0, errors: 0 };
  for (;;) {
    const d = decideDwell(g, null, c);
    if (d.done) return c;
    t += Math.min(d.nextGateBits / RATE_HZ, 10) + 1e-6;
    const r = gate.countsAt(t);
    c = { bits: r.bits, errors: r.errors };
  }
}

/** A sweep as the extrapolate mode runs it: from BER ~1e-3 down to the last point at or above fit_from. */
function sweep(seed: number): { points: CountedPoint[]; truth_dBm: number } {
  const truth = drawTruth(seed, new SeededRandom(seed), 0);
  const link = { receiver: truth.receiver, receiverReferenceRate_Hz: truth.receiverReferenceRate_Hz };
  const rng = new SeededRandom(seed).fork('coverage');
  // The meter reads the BERT's arm through a fixed splitter ratio: the offset cancels in the sensitivity.
  const meterOffset_dB = truth.splitter.toBert_dB - truth.splitter.toMeter_dB;
  const truth_dBm = powerForBer(TARGET, truth.receiver) + 0.3 /* PRBS31 */ - meterOffset_dB;
  const start = powerForBer(1e-3, truth.receiver) + 0.3 + rng.uniform(0, STEP_DB);
  const points: CountedPoint[] = [];
  for (let k = 0; k < 30; k++) {
    const atBert_dBm = start + k * STEP_DB;
    const ber = receiverBer(10 ** ((atBert_dBm - 30) / 10), RATE_HZ, 'PRBS31', link);
    if (ber < FIT_FROM / 3) break;
    const c = countPoint(ber, rng.fork(`point-${k}`));
    const read_dBm = atBert_dBm - meterOffset_dB + 10 * Math.log10(1 + rng.normal(0, 0.002));
    points.push({ power_dBm: read_dBm, ...c });
  }
  return { points, truth_dBm };
}

describe('model-based sensitivity: coverage over 200 simulated links', () => {
  it('the 95 % interval holds the true sensitivity at 1e-12 in 93–97 % of seeds, and the fit is usable on a true model', () => {
    let covered = 0, usable = 0;
    const errors_dB: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const { points, truth_dBm } = sweep(seed);
      const fit = fitBerModel(points, { targetBer: TARGET, confidence: 0.95 });
      if (fit.usable) usable += 1;
      if (fit.interval_dBm.low <= truth_dBm && truth_dBm <= fit.interval_dBm.high) covered += 1;
      errors_dB.push(fit.sensitivity_dBm - truth_dBm);
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.93);
    expect(covered / 200).toBeLessThanOrEqual(0.97);
    expect(usable).toBeGreaterThanOrEqual(195);
    const sorted = errors_dB.map(Math.abs).sort((a, b) => a - b);
    expect(sorted[Math.floor(0.95 * 200)]).toBeLessThan(0.1);
  });
});

describe('model-based sensitivity: quality and bad input', () => {
  const line = (f: (p: number) => number): CountedPoint[] => Array.from({ length: 8 }, (_, i) => {
    const power_dBm = -20 + 0.3 * i;
    const ber = f(power_dBm);
    const bits = Math.ceil(200 / ber);
    return { power_dBm, bits, errors: Math.round(ber * bits) };
  });

  it('recovers a noiseless thermal receiver exactly, and draws its model', () => {
    const rx = { kind: 'thermal' as const, sensitivity_dBm: -16, atBer: 1e-12 };
    const pts = line((p) => receiverBer(10 ** ((p - 30) / 10), 1, 'PRBS7', { receiver: rx, receiverReferenceRate_Hz: 1 }));
    const fit = fitBerModel(pts, { targetBer: 1e-12, confidence: 0.95 });
    expect(fit.sensitivity_dBm).toBeCloseTo(-16, 1);
    expect(fit.slope).toBeCloseTo(2, 1);
    expect(fit.usable).toBe(true);
    expect(berModelAt(fit, fit.sensitivity_dBm)).toBeCloseTo(1e-12, 14);
  });

  it('a waterfall that bends away from the model (an error floor) is not usable, and says why', () => {
    const rx = { kind: 'thermal' as const, sensitivity_dBm: -16, atBer: 1e-12 };
    // An error floor of 1e-5 under a waterfall from 2.5e-3 to 2.8e-6: the low end flattens out.
    const pts = line((p) => receiverBer(10 ** ((p - 30) / 10), 1, 'PRBS7', { receiver: rx, receiverReferenceRate_Hz: 1 }) + 1e-5);
    const fit = fitBerModel(pts, { targetBer: 1e-12, confidence: 0.95 });
    expect(fit.usable).toBe(false);
    expect(fit.why).toMatch(/scatter more than Poisson and a 0.03 dB power reading allow about the model/);
  });

  it('names a bad point and refuses too few points', () => {
    expect(() => fitBerModel([{ power_dBm: -10, bits: 1e9 } as CountedPoint], { targetBer: 1e-12, confidence: 0.95 })).toThrow(/point 0: errors .*got missing/);
    expect(() => fitBerModel(line(() => 1e-6).slice(0, 3), { targetBer: 1e-12, confidence: 0.95 })).toThrow(FitError);
  });
});
