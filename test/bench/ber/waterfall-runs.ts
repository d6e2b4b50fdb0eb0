// The ways of taking one BER waterfall that the benchmark compares, each on its own fresh simulated bench
// (timing: lan, the MP1900A dialect) with the same seed, so the same hidden link:
//   adaptive    — the ber step counting down directly (its default method; early stop on)
//   extrapolate — the ber step with method: extrapolate, fit_from 1e-9
//   careful     — careful.ts: what a careful engineer runs on a plain BERT
//   fixed       — every point counted for the dwell the lowest point needs (2.996/1e-12 bits = 116 s)
// and the floors: the fewest bits each claim a method made needs at the true BER, plus the per-point
// overhead (VOA settling, power reading, gate start and reads) measured on the same bench and timing.
import { bitsToClaim } from '../../../models/confidence.ts';
import { errorsForPrecision } from '../../../sequences/steps/ber/dwell.ts';
import { berStep } from '../../../sequences/steps/ber/index.ts';
import type { Row } from '../../../sequences/step.ts';
import { openOpticalSim, recordedContext } from '../../integration/sequences/ber/optical-sim.ts';
import type { OpticalSim } from '../../integration/sequences/ber/optical-sim.ts';
import { attenuationForBer, trueBerAt } from '../../integration/sequences/ber/waterfall-truth.ts';

export const TARGET_BER = 1e-12;
export const CONFIDENCE = 0.95;
export const PRECISION = 0.5;
export const MAX_DWELL_S = 200;
export const POINTS = 14;
export const STEP_DB = 0.3;
export const RATE_BPS = 25.78125e9;
export const FIT_FROM = 1e-9;
export const TIMING = 'lan' as const;
const LASER_DBM = 13;

export interface Grid {
  attenuations_dB: number[];
  trueBer: number[];
}

export async function withSim<T>(seed: number, f: (s: OpticalSim) => Promise<T>): Promise<T> {
  const s = await openOpticalSim({ seed, laserPower_dBm: LASER_DBM, timing: TIMING });
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

/**
 * 14 attenuations 0.3 dB apart from BER ~1e-3 down past the true 1e-12 point, shifted by a seeded fraction
 * of a step so the true 1e-12 point falls anywhere between two of them (a user does not know it).
 */
export function waterfallGrid(seed: number): Promise<Grid> {
  return withSim(seed, async (s) => {
    const a12 = await attenuationForBer(s, TARGET_BER);
    const shift = ((seed * 0.6180339887) % 1) * STEP_DB;
    const lowest = a12 - 2 * STEP_DB + shift;
    const attenuations_dB = Array.from({ length: POINTS }, (_, k) => Number((lowest + k * STEP_DB).toFixed(4))).reverse();
    const trueBer: number[] = [];
    for (const a of attenuations_dB) trueBer.push(await trueBerAt(s, a));
    return { attenuations_dB, trueBer };
  });
}

export interface StepRun {
  bench_s: number;
  rows: Row[];
  warnings: string[];
  logs: string[];
  measurements: Record<string, number>;
}

export function runStep(seed: number, grid: Grid, method: 'direct' | 'extrapolate'): Promise<StepRun> {
  return withSim(seed, async (s) => {
    const ctx = recordedContext(s.sim, s.bench);
    const p = berStep.schema.parse({
      attenuation: grid.attenuations_dB.map((a) => `${a}dB`), target: TARGET_BER, confidence: CONFIDENCE,
      precision: PRECISION, max_dwell: `${MAX_DWELL_S}s`, rate: '25.78125GHz',
      ...(method === 'extrapolate' ? { method: 'extrapolate', fit_from: FIT_FROM } : { method: 'q' }),
    });
    const t0 = s.sim.benchTime_s();
    const out = await berStep.run(ctx, p);
    return {
      bench_s: s.sim.benchTime_s() - t0,
      rows: ctx.rows['ber'] ?? [],
      warnings: ctx.warnings,
      logs: ctx.logs,
      measurements: Object.fromEntries(Object.entries(out.measurements).map(([k, v]) => [k, v.value])),
    };
  });
}

/** Fixed dwell: each point set and read as the step does, then one gate of the bits the lowest point needs. */
export function runFixed(seed: number, grid: Grid): Promise<{ bench_s: number }> {
  return withSim(seed, async (s) => {
    const { bench } = s;
    const period_s = Math.ceil(bitsToClaim(TARGET_BER, CONFIDENCE, 0) / RATE_BPS);
    await bench.bert.setLineRate_Gbps(RATE_BPS / 1e9);
    await bench.bert.setOutput(true);
    await bench.meter.setAveragingTime_s(1, 0.1);
    const t0 = s.sim.benchTime_s();
    for (const a of grid.attenuations_dB) {
      await bench.voa.setAttenuation_dB(a);
      await bench.voa.waitSettled();
      await bench.meter.readPower_dBm(1);
      await bench.bert.setGate({ mode: 'time', period_s });
      await bench.bert.startGate();
      await bench.bert.waitGate(period_s + 30);
      await bench.bert.results();
    }
    return { bench_s: s.sim.benchTime_s() - t0 };
  });
}

/** What one point costs besides counting on this bench and timing: VOA move and settling, power reading, gate start, a read, stop. */
export function pointOverhead_s(seed: number, grid: Grid): Promise<number> {
  return withSim(seed, async (s) => {
    const { bench } = s;
    await bench.bert.setOutput(true);
    await bench.meter.setAveragingTime_s(1, 0.1);
    const t0 = s.sim.benchTime_s();
    for (const a of grid.attenuations_dB.slice(0, 4)) {
      await bench.voa.setAttenuation_dB(a);
      await bench.voa.waitSettled();
      await bench.meter.readPower_dBm(1);
      await bench.bert.setGate({ mode: 'time', period_s: 1 });
      await bench.bert.startGate();
      await bench.bert.results();
      await bench.bert.stopGate();
    }
    return (s.sim.benchTime_s() - t0) / 4;
  });
}

/**
 * The floor of the claims a run made: measured → E/BER bits (E for the precision), bounded → 2.996/target
 * bits, failed → the bits it took (a sequential test has no fixed floor), limited → the max dwell; plus
 * the per-point overhead for every point counted.
 */
export function floor_s(rows: readonly Row[], grid: Grid, overhead_s: number): number {
  const minErrors = errorsForPrecision(PRECISION, CONFIDENCE);
  const boundBits = bitsToClaim(TARGET_BER, CONFIDENCE, 0);
  let s = 0;
  for (const r of rows) {
    const ber = grid.trueBer[grid.attenuations_dB.indexOf(r['attenuation_dB'] as number)] ?? NaN;
    const status = r['status'];
    if (status === 'measured') s += minErrors / ber / RATE_BPS + overhead_s;
    else if (status === 'bounded') s += boundBits / RATE_BPS + overhead_s;
    else if (status === 'failed') s += (r['bits'] as number) / RATE_BPS + overhead_s;
    else if (status === 'limited') s += MAX_DWELL_S + overhead_s;
  }
  return s;
}
