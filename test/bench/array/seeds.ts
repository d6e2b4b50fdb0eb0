// Ours alone on a range of seeds, as the array benchmark runs it (`node bin/run-ts.js
// test/bench/array/seeds.ts <first> <last>`): success (every channel within 0.05 dB of the joint optimum
// of `min`), median bench time, the worst channel, and every failure. For held-out seeds (the benchmark
// runs 1–100) without the baseline's hour of step-and-read.
import { alignStep } from '../../../sequences/steps/align/align-step.ts';
import type { VirtualBench } from '../../../sim/index.ts';
import { memoryContext } from '../align/bench-context.ts';
import { channelPowers_dB, jointOptimum, reference } from './model.ts';
import { openArray } from './open-array.ts';

const FIRST = Number(process.argv[2] ?? 101);
const LAST = Number(process.argv[3] ?? 300);
const CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8];
const GOAL_DB = 0.05;

/** Worst channel shortfall from the joint optimum where the array stands now (noise-free truth), as the benchmark's. */
function shortfall(vb: VirtualBench): number {
  const truth = vb.truth();
  const { pose, pivot_um } = vb.arrayPose();
  const ref = reference(truth.array, pivot_um, 1550 + truth.optical.laser.wavelengthOffset_pm / 1000);
  const opt = jointOptimum(ref, truth.array, CHANNELS);
  const here = channelPowers_dB(ref, pose, truth.array.cure);
  return Math.max(...CHANNELS.map((c) => (opt.powers_dB[c - 1] as number) - (here[c - 1] as number)));
}

const times: number[] = [];
const worst: number[] = [];
const failures: string[] = [];
for (let seed = FIRST; seed <= LAST; seed++) {
  const { vb, bench } = await openArray(seed);
  try {
    const t0 = vb.benchTime_s();
    await alignStep.run(memoryContext(vb, bench), alignStep.schema.parse({ channels: CHANNELS, objective: 'min' }));
    times.push(vb.benchTime_s() - t0);
    const w = shortfall(vb);
    worst.push(w);
    if (!(w <= GOAL_DB)) failures.push(`seed ${seed}: worst channel ${w.toFixed(3)} dB short`);
  } catch (err) {
    failures.push(`seed ${seed}: ${(err as Error).message}`);
  } finally {
    await bench.close();
    await vb.close();
  }
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2 : NaN;
const n = LAST - FIRST + 1;
process.stdout.write(`seeds ${FIRST}–${LAST}: success ${n - failures.length}/${n}, median ${median.toFixed(3)} s, worst channel ${Math.max(...worst).toFixed(3)} dB\n`);
for (const f of failures) process.stdout.write(`  ${f}\n`);
