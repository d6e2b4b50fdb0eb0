// The aligner never reports success at a power far below the peak: the final check against what its own
// scans saw, the step-and-read re-peak when it falls short, AlignVerificationError when even that fails,
// and the fallback to step-and-read when the step's clock does not follow the instruments (the bench
// opened from a bench file on wall time, the simulator it talks to on its own virtual clock: how
// `benchctl run --bench` against `benchctl sim` once reported "done" 43 dB below first light).
import { describe, expect, it } from 'vitest';
import { runAlignment } from '../../../../sequences/steps/align/align-run.ts';
import { AlignVerificationError } from '../../../../sequences/steps/align/errors.ts';
import type { FlySample, FlySegment } from '../../../../sequences/steps/align/fly.ts';
import { AlignRig } from '../../../../sequences/steps/align/rig.ts';
import { alignSchema } from '../../../../sequences/steps/align/schema.ts';
import { VERIFY_DB, flySampleNoise_dB, meetsEvidence, peakEvidence } from '../../../../sequences/steps/align/verify.ts';
import { FakeFlyBench } from './fake-fly-bench.ts';
import type { FakeFlyOptions } from './fake-fly-bench.ts';

const peak = { x_um: 1000, y_um: 2000 };
const PEAK_DBM = -20;

/** Starting offsets within ±25 µm, spread over the seeds. */
const startOf = (seed: number) => ({ x_um: peak.x_um + ((seed * 37) % 50) - 25, y_um: peak.y_um + ((seed * 53) % 50) - 25 });

async function align(seed: number, o: Partial<FakeFlyOptions> = {}) {
  const start = startOf(seed);
  const bench = new FakeFlyBench({ peak, start, seed, peak_dBm: PEAK_DBM, ...o });
  const ctx = bench.context();
  const rig = new AlignRig(ctx, bench.stage, bench.meter, {
    axes: ['X', 'Y'], channel: 1, fly_velocity_um_s: 10_000, fly_acceleration_um_s2: 200_000, sample_time_s: 4e-4, max_time_s: 30,
  });
  const run = runAlignment(rig, alignSchema.parse({ fly_acceleration: '200mm/s2', final_averaging: '10ms' }), start);
  return { bench, ctx, rig, run };
}

/** Loss at the fiber's true position against the peak, dB (noise-free). */
function loss_dB(bench: FakeFlyBench): number {
  return PEAK_DBM - (10 * Math.log10(bench.light_W(bench.t)) + 30);
}

const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);

describe('the final check on a synthetic bench', () => {
  it('with a step clock that does not follow the instruments, aligns by step-and-read instead of fly scans, on the peak every time', async () => {
    // Host latencies of 0–1 ms per exchange and a 0–20 ms stall one exchange in 15, waits free: fly
    // samples placed by that clock land micrometres off, at random (before the fix: seeds 4 and 13
    // reported success 4.1 and 18.9 dB below the peak, seed 15 lost the light).
    for (const seed of SEEDS) {
      const { bench, ctx, run } = await align(seed, { hostClock: { latency_s: 5e-4, hiccup_s: 0.02, hiccupEvery: 15 } });
      const result = await run;
      expect(loss_dB(bench), `seed ${seed}`).toBeLessThan(0.05);
      // The fake meter's readings scatter by 2 % (0.09 dB) whatever their averaging.
      expect(Math.abs(result.power_dBm - PEAK_DBM), `seed ${seed}`).toBeLessThan(0.3);
      expect(result.notes[0], `seed ${seed}`).toMatch(/^aligned by step-and-read, not fly scans: the step's clock does not follow the instruments: a log of [\d.]+ ms finished after [\d.]+ ms of it/);
      expect(ctx.logs.some((l) => /aligning by step-and-read instead/.test(l))).toBe(true);
    }
  });

});

/** One run on a stage that starts each move up to 8 ms late at random: the fiber's loss, what was reported, whether the final check re-peaked. */
interface JitterOutcome {
  loss_dB: number;
  power_dBm: number;
  rechecked: boolean;
}

const JITTER_SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const jitterRuns = new Map<number, Promise<JitterOutcome>>();

/** The run of `seed`, once per file (each seed's own test and the count over all of them share it). */
function jitterRun(seed: number): Promise<JitterOutcome> {
  let run = jitterRuns.get(seed);
  if (!run) {
    run = (async () => {
      const { bench, run: alignment } = await align(seed, { moveJitter_s: 8e-3 });
      const result = await alignment;
      return {
        loss_dB: loss_dB(bench),
        power_dBm: result.power_dBm,
        rechecked: result.notes.some((n) => /final check: final power .* dB below .*; re-peaked by step-and-read around the best reading: -?[\d.]+ dBm/.test(n)),
      };
    })();
    jitterRuns.set(seed, run);
  }
  return run;
}

describe('the final check with a stage that starts its moves up to 8 ms late at random', () => {
  // A timing error the lag fit cannot take out (a different one for every move): fly estimates land up
  // to tens of micrometres off. Before the fix: 4 of these 20 seeds lost the light and 13 reported
  // success more than 0.75 dB below the peak, 8 of them by more than 8 dB (up to 27.7 dB). One test per
  // seed: the runs are deterministic (virtual clock, seeded faults), so only their wall time depends on
  // the machine's load, and each seed's share of it stays far inside the test timeout.
  for (const seed of JITTER_SEEDS) {
    it(`seed ${seed}: never reports success far below the peak`, async () => {
      const o = await jitterRun(seed);
      expect(o.loss_dB).toBeLessThan(0.75);
      // What is reported is what the fiber gets where it was left, within the fake meter's 2 % scatter.
      expect(Math.abs(o.power_dBm - (PEAK_DBM - o.loss_dB))).toBeLessThan(0.3);
    });
  }

  it('the final check is what catches it: it re-peaked by step-and-read in at least 3 of the 20 runs', async () => {
    // Runs the seeds a filtered test run skipped; with every seed run above, nothing is run again.
    const outcomes = await Promise.all(JITTER_SEEDS.map(jitterRun));
    expect(outcomes.filter((o) => o.rechecked).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

describe('the final check on a synthetic bench, continued', () => {
  it('the light falling 15 dB just before the final reading: AlignVerificationError naming the powers', async () => {
    // The same run twice: the second with the light dimmed from just before the final reading on, so the
    // step-and-read re-peak finds only the dimmed peak (before the fix: success at -35 dBm).
    const clean = await align(3);
    await clean.run;
    const end_s = clean.bench.t;
    const { run } = await align(3, { dimAt_s: end_s - 0.012, dim_dB: 15 });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlignVerificationError);
    const v = err as AlignVerificationError;
    expect(v.final_dBm).toBeCloseTo(PEAK_DBM - 15, 0);
    expect(v.seen_dBm).toBeGreaterThan(PEAK_DBM - 1);
    expect(v.required_dBm).toBeGreaterThan(PEAK_DBM - 1.5);
    expect(v.message).toMatch(/^align: final power -3[45]\.\d\d dBm after a step-and-read re-peak \(-3[45]\.\d\d dBm before it\) stays 1[45]\.\d\d dB below .* the scans saw, -(19|20)\.\d\d dBm \(at least -2\d\.\d\d dBm expected; best reading -(19|20)\.\d\d dBm at \(\d+\.\d\d, \d+\.\d\d\) µm\)/);
  });

  it('leaves a good alignment alone: no re-peak, no extra readings', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const { bench, ctx, run } = await align(seed);
      const result = await run;
      expect(result.notes.some((n) => /final check/.test(n)), `seed ${seed}`).toBe(false);
      expect(ctx.logs.some((l) => /step-and-read/.test(l))).toBe(false);
      expect(loss_dB(bench)).toBeLessThan(0.02);
    }
  });
});

function sample(power_dBm: number): FlySample {
  return { x_um: 0, y_um: 0, vx_um_s: 0, vy_um_s: 0, power_dBm };
}

function segment(powers: number[]): FlySegment {
  return { from: { x_um: 0, y_um: 0 }, to: { x_um: 1, y_um: 0 }, along: 'x', samples: powers.map(sample), duration_s: 0.01 };
}

describe('the final check\'s evidence', () => {
  it('measures a fly sample\'s noise from consecutive samples, whatever positions the timing gave them', () => {
    // A smooth peak in time (a parabola in dB) with 0.1 dB of noise: the noise comes back, the curvature does not.
    let state = 12345;
    const gauss = () => {
      // Box–Muller on a small LCG: deterministic.
      const u = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
      return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    };
    const powers = Array.from({ length: 400 }, (_, k) => -20 - 0.0004 * (k - 200) ** 2 + 0.1 * gauss());
    expect(flySampleNoise_dB([segment(powers)])).toBeGreaterThan(0.085);
    expect(flySampleNoise_dB([segment(powers)])).toBeLessThan(0.115);
    // Too few bright samples to say.
    expect(flySampleNoise_dB([segment([-20, -21, -22])])).toBeUndefined();
  });

  it('holds the final power to the strongest claim less its allowance and VERIFY_DB; a missing reading never passes', () => {
    const seg = segment(Array.from({ length: 60 }, (_, k) => -20 - 0.01 * (k - 30) ** 2));
    const e = peakEvidence([{ centre: { x_um: 0, y_um: 0 }, radius_um: 5, notes: [], segments: [seg], lineTops: [{ peak_dBm: -20.1, sigma_dB: 0.02 }] }],
      { power_dBm: -19.9, at: { x_um: 1, y_um: 2 } });
    // A noise-free fly record: the best reading stands with almost no allowance.
    expect(e.strongest?.what).toBe('the best reading');
    expect(e.required_dBm).toBeCloseTo(-19.9 - VERIFY_DB, 1);
    expect(meetsEvidence(-20.0, e)).toBe(true);
    expect(meetsEvidence(-20.5, e)).toBe(false);
    expect(meetsEvidence(NaN, e)).toBe(false);
    expect(meetsEvidence(-Infinity, e)).toBe(false);
    // Nothing seen at all: nothing to hold the final power to.
    expect(meetsEvidence(-60, peakEvidence([], null))).toBe(true);
    // No fly samples and no fit: a reading's noise is taken as 5 %: 3σ = 0.64 dB.
    expect(peakEvidence([], { power_dBm: -20, at: { x_um: 0, y_um: 0 } }).required_dBm).toBeCloseTo(-20 - 0.64 - VERIFY_DB, 2);
  });
});
