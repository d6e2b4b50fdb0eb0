// Alignment benchmark (issue 6): the align step with its defaults (fly square-spiral first light, fly
// lines, 2-D Gaussian refinement; the bench's ramps and logging rate passed in) against a step-and-read raster + axis-by-axis hill climb, on the
// simulator in fast mode (bench time from its clock), both on one bench configuration (align/bench-config.ts,
// printed above the table). 100 seeds; each starts the fiber array at the hidden optimum plus a uniform
// ±30 µm offset per axis and searches ±35 µm around its start. The true peak power of each seed is found
// independently (align/reference.ts): a fine 7×7 grid through the simulator around the optimum
// bench.truth() reports; each aligner's result is read where it left the fiber (0.5 s averaging), so the
// loss is the alignment's, not the meter noise's.
import uniform from '@stdlib/random-base-uniform';
import { alignStep } from '../../sequences/steps/align/align-step.ts';
import type { Point_um } from '../../sequences/steps/align/paths.ts';
import { rasterThenHillClimb } from './align/baseline.ts';
import type { BaselineOptions } from './align/baseline.ts';
import { memoryContext } from './align/bench-context.ts';
import { ALIGN_BENCH, configureStage, describeConfig } from './align/bench-config.ts';
import { moveTo, powerHere_dBm, readingSpread_dB, referencePeak } from './align/reference.ts';
import { HEADER, medianTime_s, quantile, summaryRow, table } from './align/report.ts';
import type { Outcome } from './align/report.ts';
import { goToSite, openAlignSim, STAGE_FRONT_ENDS } from './align/sim-bench.ts';
import type { AlignSim, StageFrontEnd } from './align/sim-bench.ts';

let SEEDS = Number(process.env['ALIGN_BENCH_SEEDS'] ?? 100);
/** The simulator's timing profile and the stage controller every run drives (align-serial.bench.ts: serial, esp301). */
let TIMING = (process.env['ALIGN_BENCH_TIMING'] ?? 'lan') as 'lan' | 'serial' | 'ideal';
let STAGE = (process.env['ALIGN_BENCH_STAGE'] ?? 'pi') as StageFrontEnd;
/** Per run: the reference peak's σ and the loss, for the bias check. */
const bias: { sigma_dB: number; loss_dB: number }[] = [];
const C = ALIGN_BENCH;

/** The step-and-read baselines: a 10 µm raster and 2 → 0.1 µm steps (the accurate one), and a faster setting. */
const BASELINES: { name: string; averaging_s: number; options: Omit<BaselineOptions, 'centre'> }[] = [
  {
    name: `baseline: raster 10 µm + hill climb 2→0.1 µm, ${C.decisionAveraging_s * 1000} ms readings`,
    averaging_s: C.decisionAveraging_s,
    options: { radius_um: C.searchRadius_um, pitch_um: 10, aboveFloor_dB: 10, startStep_um: 2, minStep_um: 0.1 },
  },
  {
    name: 'baseline, faster: raster 15 µm + hill climb 2→0.1 µm, 10 ms readings',
    averaging_s: 0.01,
    options: { radius_um: C.searchRadius_um, pitch_um: 15, aboveFloor_dB: 10, startStep_um: 2, minStep_um: 0.1 },
  },
];

async function prepare(seed: number, start: Point_um): Promise<AlignSim> {
  const s = await openAlignSim({ seed, timing: TIMING, stage: STAGE });
  await goToSite(s.bench, 0);
  await configureStage(s.bench);
  await moveTo(s, start);
  return s;
}

const failed = (err: unknown): Outcome => ({ ok: false, error: err instanceof Error ? err.message : String(err), time_s: NaN, readings: NaN, loss_dB: NaN });

/** Bench seconds per phase of the align step's runs (from its notes), for the breakdown line. */
const phaseTimes: Record<string, number[]> = {};
/** How often the align step's safety nets acted (from its notes). */
const safetyNets = { timingCorrected: 0, pairs: 0, finalCheck: 0, stepFallback: 0 };

async function ours(seed: number, start: Point_um): Promise<Outcome> {
  const s = await prepare(seed, start);
  try {
    const ctx = memoryContext(s.sim, s.bench);
    const t0 = s.sim.benchTime_s();
    const out = await alignStep.run(ctx, alignStep.schema.parse({
      search_radius: `${C.searchRadius_um}um`, fly_velocity: `${C.flyVelocity_um_s}um/s`, fly_acceleration: `${C.acceleration_um_s2}um/s2`,
      sample_time: `${C.logSample_s}s`, final_averaging: `${C.finalAveraging_s}s`,
    }));
    // The whole step on the bench clock, as for the baseline: its own time_s plus putting the stage's ramps back.
    const time_s = s.sim.benchTime_s() - t0;
    const note = out.notes?.find((n) => n.startsWith('bench time per phase')) ?? '';
    for (const m of note.matchAll(/(?:: |, )([^,:]+?) ([0-9.]+) s/g)) (phaseTimes[m[1] as string] ??= []).push(Number(m[2]));
    const notes = out.notes ?? [];
    if (notes.some((n) => n.startsWith('fly timing corrected'))) safetyNets.timingCorrected += 1;
    if (notes.some((n) => /^re-peaked with out-and-back pairs/.test(n))) safetyNets.pairs += 1;
    if (notes.some((n) => n.startsWith('final check:'))) safetyNets.finalCheck += 1;
    if (notes.some((n) => n.startsWith('aligned by step-and-read, not fly scans'))) safetyNets.stepFallback += 1;
    const here = await powerHere_dBm(s);
    const ref = await referencePeak(s);
    bias.push({ sigma_dB: ref.sigma_dB, loss_dB: ref.peak_dBm - here });
    return { ok: true, time_s, readings: out.measurements.readings!.value, loss_dB: ref.peak_dBm - here };
  } catch (err) {
    return failed(err);
  } finally {
    await s.close();
  }
}

async function baseline(seed: number, start: Point_um, b: (typeof BASELINES)[number]): Promise<Outcome> {
  const s = await prepare(seed, start);
  try {
    const t0 = s.sim.benchTime_s();
    await s.bench.meter.setAveragingTime_s(1, b.averaging_s);
    const evaluate = async (p: Point_um): Promise<number> => {
      await moveTo(s, p);
      return s.bench.meter.readPower_dBm(1);
    };
    const r = await rasterThenHillClimb(evaluate, { centre: start, ...b.options });
    if (!r.found) throw new Error('baseline found no light');
    await moveTo(s, r.position);
    await s.bench.meter.setAveragingTime_s(1, C.finalAveraging_s);
    await s.bench.meter.readPower_dBm(1);
    const time_s = s.sim.benchTime_s() - t0;
    const here = await powerHere_dBm(s);
    const ref = await referencePeak(s);
    bias.push({ sigma_dB: ref.sigma_dB, loss_dB: ref.peak_dBm - here });
    return { ok: true, time_s, readings: r.readings + 1, loss_dB: ref.peak_dBm - here };
  } catch (err) {
    return failed(err);
  } finally {
    await s.close();
  }
}

/** The meter's reading-to-reading spread at the peak of seed 1 for the averaging times in play. */
async function meterSpreads(): Promise<string> {
  const s = await openAlignSim({ seed: 1, timing: TIMING, stage: STAGE });
  try {
    await goToSite(s.bench, 0);
    const opt = s.sim.truth().optical.optimaNow_um[0]!;
    await moveTo(s, opt);
    const parts: string[] = [];
    for (const t of [C.logSample_s, 0.01, C.decisionAveraging_s]) parts.push(`${+(t * 1000).toFixed(3)} ms ${(await readingSpread_dB(s, t)).toFixed(3)} dB`);
    return `meter spread (1σ) of repeated readings at the peak: ${parts.join(', ')}`;
  } finally {
    await s.close();
  }
}

/** The whole benchmark under one timing profile and stage controller (align-serial.bench.ts reuses it). */
export async function runAlignBench(o: { timing: typeof TIMING; stage: StageFrontEnd; seeds: number }): Promise<void> {
  [TIMING, STAGE, SEEDS] = [o.timing, o.stage, o.seeds];
  bias.length = 0;
  for (const k of Object.keys(phaseTimes)) delete phaseTimes[k];
  Object.assign(safetyNets, { timingCorrected: 0, pairs: 0, finalCheck: 0, stepFallback: 0 });
  await runAll();
}

export async function run(): Promise<void> {
  // From the environment, not the module's current settings (align-serial.bench.ts changes those).
  await runAlignBench({
    timing: (process.env['ALIGN_BENCH_TIMING'] ?? 'lan') as typeof TIMING,
    stage: (process.env['ALIGN_BENCH_STAGE'] ?? 'pi') as StageFrontEnd,
    seeds: Number(process.env['ALIGN_BENCH_SEEDS'] ?? 100),
  });
}

async function runAll(): Promise<void> {
  const draw = uniform.factory(-C.offset_um, C.offset_um, { seed: 20_260_606 });
  const mine: Outcome[] = [];
  const base: Outcome[][] = BASELINES.map(() => []);
  for (let seed = 1; seed <= SEEDS; seed++) {
    // Where the fiber starts: the optimum of this seed's world (the same world for every method) plus the offset.
    const probe = await openAlignSim({ seed, timing: TIMING, stage: STAGE });
    const opt = probe.sim.truth().optical.optimaNow_um[0]!;
    await probe.close();
    const start = { x_um: opt.x_um + draw(), y_um: opt.y_um + draw() };
    mine.push(await ours(seed, start));
    for (const [i, b] of BASELINES.entries()) base[i]!.push(await baseline(seed, start, b));
    for (const [name, o] of [['align', mine.at(-1)!], ...BASELINES.map((b, i) => [b.name, base[i]!.at(-1)!] as const)] as const) {
      if (!o.ok) process.stdout.write(`seed ${seed}: ${name} failed: ${o.error}\n`);
    }
  }
  const ref = medianTime_s(mine);
  const front = STAGE_FRONT_ENDS[STAGE];
  process.stdout.write(`timing: ${TIMING} — stage ${front.driver}${STAGE === 'pi' ? ' (trigger output 1 cabled to the meter: hardware-started fly logs)' : ' (no trigger link: software-timed fly logs)'}\n`);
  process.stdout.write(`alignment from ±${C.offset_um} µm offsets, ${SEEDS} seeds, simulator fast mode (bench time) with the '${TIMING}' timing profile (sim/README.md), one bench for every method:\n`);
  for (const line of describeConfig()) process.stdout.write(`  ${line}\n`);
  process.stdout.write(`  ${await meterSpreads()}\n`);
  process.stdout.write(`${table([HEADER, summaryRow('align (fly spiral + fly lines + 2-D fit)', mine), ...BASELINES.map((b, i) => summaryRow(b.name, base[i]!, ref))])}\n`);
  process.stdout.write(`align, median bench s per phase: ${Object.entries(phaseTimes).map(([k, v]) => `${k} ${quantile(v, 0.5).toFixed(3)}`).join(', ')}\n`);
  process.stdout.write(`align safety nets, runs of ${SEEDS}: fly timing corrected ${safetyNets.timingCorrected}, out-and-back re-peak ${safetyNets.pairs}, ` +
    `final check re-peaked by step-and-read ${safetyNets.finalCheck}, fly scans abandoned for step-and-read ${safetyNets.stepFallback}\n`);
  const within = mine.filter((o) => o.ok && o.loss_dB <= 0.05).length;
  const speedup = medianTime_s(base[0]!) / ref;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  process.stdout.write(`goals (timing: ${TIMING}): 100 % success and every run within 0.05 dB — ${within} of ${SEEDS} (${verdict(within === SEEDS)}); ` +
    `median bench time ≤ 0.5 s — ${ref.toFixed(3)} s (${verdict(ref <= 0.5)}); ≥ 10× faster than raster + hill climb under the same timing — ` +
    `${speedup.toFixed(1)}× (${verdict(speedup >= 10)})\n`);
  process.stdout.write('true peak: 7×7 grid (0.6 µm, 100 ms readings, every point approached from −3 µm on both axes: no backlash bias) ' +
    'through the simulator around bench.truth()\'s optimum, 2-D Gaussian fit; loss = peak − power where the aligner stopped (0.5 s reading)\n');
  const sig = bias.map((b) => b.sigma_dB);
  const below = bias.filter((b) => b.loss_dB < -2 * Math.hypot(b.sigma_dB, 0.005)).length;
  process.stdout.write(`bias check: reference σ median ${quantile(sig, 0.5).toFixed(4)} dB (max ${Math.max(...sig).toFixed(4)}); ` +
    `lowest loss of any method ${Math.min(...bias.map((b) => b.loss_dB)).toFixed(4)} dB; runs whose loss is below −2σ (reference σ ⊕ 0.005 dB reading noise): ${below} of ${bias.length}\n`);
}
