// The three ways of taking one BER waterfall that the benchmark compares, each on its own fresh simulated
// bench with the same seed (so the same hidden link): the ber step's adaptive sweep, the classic fixed
// dwell (every point counted as long as the lowest point needs), and the statistical floor (the fewest
// bits each point needs for the claim the adaptive sweep made there, from the true BER).
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
const LASER_DBM = 13;

export interface Grid {
  attenuations_dB: number[];
  trueBer: number[];
}

/**
 * 14 attenuations 0.3 dB apart from BER ~1e-3 down past the true 1e-12 point, shifted by a seeded fraction
 * of a step so the true 1e-12 point falls anywhere between two of them (a user does not know it).
 */
export async function waterfallGrid(seed: number): Promise<Grid> {
  const s = await openOpticalSim({ seed, laserPower_dBm: LASER_DBM });
  try {
    const a12 = await attenuationForBer(s, TARGET_BER);
    const shift = ((seed * 0.6180339887) % 1) * STEP_DB;
    const lowest = a12 - 2 * STEP_DB + shift;
    const attenuations_dB = Array.from({ length: POINTS }, (_, k) => Number((lowest + k * STEP_DB).toFixed(4))).reverse();
    const trueBer: number[] = [];
    for (const a of attenuations_dB) trueBer.push(await trueBerAt(s, a));
    return { attenuations_dB, trueBer };
  } finally {
    await s.close();
  }
}

export interface AdaptiveRun {
  bench_s: number;
  dwell_s: number;
  rows: Row[];
  warnings: string[];
  sensitivity_dBm: number;
  sensitivityQ_dBm: number;
}

async function withSim<T>(seed: number, f: (s: OpticalSim) => Promise<T>): Promise<T> {
  const s = await openOpticalSim({ seed, laserPower_dBm: LASER_DBM });
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

export function runAdaptive(seed: number, grid: Grid, counting: 'gates' | 'live'): Promise<AdaptiveRun> {
  return withSim(seed, async (s) => {
    const ctx = recordedContext(s.sim, s.bench);
    const p = berStep.schema.parse({
      attenuation: grid.attenuations_dB.map((a) => `${a}dB`), target: TARGET_BER, confidence: CONFIDENCE,
      precision: PRECISION, max_dwell: `${MAX_DWELL_S}s`, rate: '25.78125GHz', counting,
    });
    const t0 = s.sim.benchTime_s();
    const out = await berStep.run(ctx, p);
    return {
      bench_s: s.sim.benchTime_s() - t0,
      dwell_s: out.measurements['dwell_s']?.value ?? NaN,
      rows: ctx.rows['ber'] ?? [],
      warnings: ctx.warnings,
      sensitivity_dBm: out.measurements['sensitivity_dBm']?.value ?? NaN,
      sensitivityQ_dBm: out.measurements['sensitivityQ_dBm']?.value ?? NaN,
    };
  });
}

/** Fixed dwell: each point set and read as the step does, then one gate of the bits the lowest point needs. */
export function runFixed(seed: number, grid: Grid): Promise<{ bench_s: number; dwell_s: number }> {
  return withSim(seed, async (s) => {
    const { bench } = s;
    const bits = Math.ceil(bitsToClaim(TARGET_BER, CONFIDENCE, 0));
    await bench.bert.setLineRate_Gbps(25.78125);
    await bench.bert.setOutput(true);
    await bench.meter.setAveragingTime_s(1, 0.1);
    const t0 = s.sim.benchTime_s();
    let dwell_s = 0;
    for (const a of grid.attenuations_dB) {
      await bench.voa.setAttenuation_dB(a);
      await bench.voa.waitSettled();
      await bench.meter.readPower_dBm(1);
      const g0 = s.sim.benchTime_s();
      await bench.bert.setGate({ mode: 'bits', bits });
      await bench.bert.startGate();
      await bench.bert.waitGate(bits / 25.78125e9 + 30);
      await bench.bert.results();
      dwell_s += s.sim.benchTime_s() - g0;
    }
    return { bench_s: s.sim.benchTime_s() - t0, dwell_s };
  });
}

/** The statistical floor of the claims an adaptive run made: measured → E/BER bits, bounded → 2.996/target bits. */
export function floor_s(run: AdaptiveRun, grid: Grid): number {
  const minErrors = errorsForPrecision(PRECISION, CONFIDENCE);
  const boundBits = bitsToClaim(TARGET_BER, CONFIDENCE, 0);
  let bits = 0;
  for (const r of run.rows) {
    const ber = grid.trueBer[grid.attenuations_dB.indexOf(r['attenuation_dB'] as number)] ?? NaN;
    if (r['status'] === 'measured') bits += minErrors / ber;
    else if (r['status'] === 'bounded') bits += boundBits;
  }
  return bits / 25.78125e9;
}
