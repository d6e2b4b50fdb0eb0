// The one bench configuration both aligners of the benchmark run on, stated at the top of its table.
// A fiber-alignment stage of the Newport XMS / Aerotech ANT class runs several mm/s with ramps well above
// 100 000 µm/s²; the simulated stage allows at most 200 000 µm/s² and 10 000 µm/s, so both methods get
// the simulator's maximum ramps. Servo settling (10 ms) is the simulated stage's own. The power meter
// (N774x class) averages single readings over `decisionAveraging_s` for the baseline's step-and-read
// decisions (≥ 10 ms to tell 0.05 dB apart) and logs at `logSample_s` per sample during fly scans.
import type { Bench } from '../../../drivers/bench/index.ts';

export interface AlignBenchConfig {
  /** Acceleration and deceleration of every move of X and Y, µm/s². */
  acceleration_um_s2: number;
  /** Velocity of step-and-read moves (the baseline's; the stage's setting outside fly scans), µm/s. */
  stepVelocity_um_s: number;
  /** Velocity of fly scans and the moves between them (the align step sets it and puts the step velocity back). */
  flyVelocity_um_s: number;
  /** Servo settling after a move before the controller reports it done (the simulated stage's; not settable). */
  settle_s: number;
  /** Averaging of each step-and-read reading of the baseline. */
  decisionAveraging_s: number;
  /** Averaging of the final power reading, both methods. */
  finalAveraging_s: number;
  /** Averaging of each logged sample during fly scans. */
  logSample_s: number;
  /** Search half-width around the start, both methods, µm. */
  searchRadius_um: number;
  /** Starting offsets are uniform within ± this, per axis, from the hidden optimum, µm. */
  offset_um: number;
}

export const ALIGN_BENCH: AlignBenchConfig = {
  acceleration_um_s2: 200_000,
  stepVelocity_um_s: 5_000,
  flyVelocity_um_s: 10_000,
  settle_s: 0.01,
  decisionAveraging_s: Number(process.env['ALIGN_BASELINE_AVERAGING_S'] ?? 0.02),
  finalAveraging_s: 0.01,
  logSample_s: 4e-4,
  searchRadius_um: 35,
  offset_um: 30,
};

/** Sets the stage of an opened bench to the configuration's step moves: ramps and velocity on X and Y. */
export async function configureStage(bench: Bench, c: AlignBenchConfig = ALIGN_BENCH): Promise<void> {
  for (const axis of ['X', 'Y']) {
    await bench.stage.setAcceleration_um_s2(axis, c.acceleration_um_s2);
    await bench.stage.setVelocity_um_s(axis, c.stepVelocity_um_s);
  }
}

/** The configuration as the lines printed above the table. */
export function describeConfig(c: AlignBenchConfig = ALIGN_BENCH): string[] {
  const ms = (s: number): string => `${+(s * 1000).toFixed(3)} ms`;
  return [
    `stage X/Y: ramps ${c.acceleration_um_s2.toLocaleString('en')} µm/s² (the simulator's maximum) for every move; ` +
      `step moves ${c.stepVelocity_um_s / 1000} mm/s, fly scans ${c.flyVelocity_um_s / 1000} mm/s; servo settling ${ms(c.settle_s)} (simulated stage)`,
    `meter: step-and-read readings ${ms(c.decisionAveraging_s)} (baseline), final reading ${ms(c.finalAveraging_s)} (both), ` +
      `logging ${ms(c.logSample_s)}/sample (align fly scans)`,
    `search ±${c.searchRadius_um} µm around a start uniform within ±${c.offset_um} µm per axis of the hidden optimum`,
  ];
}
