// Everything between "run this file on that bench" and a RunEngine ready to go: the sequence loaded and
// validated against the opened bench's capabilities (before anything moves), the run folder created, the
// bench clock and bench-time waits wired. Also the same for continuing an interrupted run folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openBench } from '../drivers/bench/open-bench.ts';
import { openSimBench } from './sim-bench.ts';
import { VirtualBench } from '../sim/virtual-bench.ts';
import type { Bench } from './bench-port.ts';
import { benchInfoFromBench } from './bench-info.ts';
import { RunEngine } from './engine/engine.ts';
import type { RecoveryPolicy } from './engine/link-loss.ts';
import { buildPlan } from './plan/build-plan.ts';
import type { Plan } from './plan/plan-types.ts';
import type { RunConfig } from './records/journal.ts';
import { RunRecorder } from './records/recorder.ts';
import { SOFTWARE } from './records/software.ts';
import { loadSequenceFile, loadSequenceText } from './schema/load.ts';
import type { BenchInfo } from './step.ts';

export type BenchChoice = { sim: true; seed: number; realtime: boolean } | { sim: false; file: string };

export interface PreparedRun {
  plan: Plan;
  bench: Bench;
  benchInfo: BenchInfo;
  engine: RunEngine;
  recorder: RunRecorder;
  /** The simulator, for --sim runs (tests inject faults through it). */
  sim: VirtualBench | undefined;
  /** Closes the bench (and the simulator). */
  close(): Promise<void>;
}

interface OpenedBench {
  bench: Bench;
  sim: VirtualBench | undefined;
  now_s: () => number;
  benchWait: (duration_s: number, signal: AbortSignal) => Promise<void>;
}

async function open(choice: BenchChoice): Promise<OpenedBench> {
  if (choice.sim) {
    const sim = new VirtualBench({ seed: choice.seed, mode: choice.realtime ? 'realtime' : 'fast' });
    try {
      const bench = await openSimBench(sim, { closeSimulator: true });
      return { bench, sim, now_s: () => sim.clock.now_s(), benchWait: (d) => sim.clock.advance(d) };
    } catch (err) {
      await sim.close();
      throw err;
    }
  }
  const bench = await openBench(choice.file);
  const t0 = performance.now();
  return { bench, sim: undefined, now_s: () => (performance.now() - t0) / 1000, benchWait: (d, signal) => sleep(d * 1000, undefined, { signal }) };
}

export interface StartRunOptions {
  sequenceFile: string;
  set?: readonly string[];
  outDir: string;
  bench: BenchChoice;
  recovery?: Partial<RecoveryPolicy>;
  /** Per instrument, how long making the bench safe may take (default 10 s). */
  safeTimeout_s?: number;
}

/** Loads and validates the sequence, opens the bench, checks every step against it, creates the run folder. */
export async function prepareRun(opts: StartRunOptions): Promise<PreparedRun> {
  const seq = await loadSequenceFile(opts.sequenceFile, { ...(opts.set ? { set: opts.set } : {}) });
  const opened = await open(opts.bench);
  try {
    const benchInfo = benchInfoFromBench(opened.bench, opened.sim !== undefined);
    const plan = buildPlan(seq, { bench: benchInfo });
    const config: Omit<RunConfig, 'runId'> = {
      sequenceName: seq.doc.name, sequenceFile: seq.file, baseDir: seq.baseDir, overrides: seq.overrides,
      bench: opts.bench.sim ? opts.bench : { sim: false, file: opts.bench.file }, software: { ...SOFTWARE },
    };
    const recorder = RunRecorder.create(opts.outDir, plan, config, benchRecord(opened));
    return assemble(plan, opened, benchInfo, recorder, opts);
  } catch (err) {
    await opened.bench.close();
    throw err;
  }
}

export interface ResumeRunOptions {
  folder: string;
  /** Default: the bench the run was started on (the same simulator seed, or the same bench file). */
  bench?: BenchChoice;
  recovery?: Partial<RecoveryPolicy>;
  safeTimeout_s?: number;
}

/** Rebuilds the plan from the run folder's copy of the sequence and its overrides, and reopens its records. */
export async function prepareResume(opts: ResumeRunOptions): Promise<PreparedRun> {
  const config = RunRecorder.config(opts.folder);
  const file = join(opts.folder, 'sequence.yaml');
  const seq = loadSequenceText(file, readFileSync(file, 'utf8'), {
    set: Object.entries(config.overrides).map(([k, v]) => `${k}=${v}`), baseDir: config.baseDir, fallbackName: config.sequenceName,
  });
  const opened = await open(opts.bench ?? config.bench);
  try {
    const benchInfo = benchInfoFromBench(opened.bench, opened.sim !== undefined);
    const plan = buildPlan(seq, { bench: benchInfo });
    const recorder = RunRecorder.reopen(opts.folder, plan, benchRecord(opened));
    return assemble(plan, opened, benchInfo, recorder, opts);
  } catch (err) {
    await opened.bench.close();
    throw err;
  }
}

function benchRecord(o: OpenedBench) {
  return { name: o.bench.name, simulated: o.sim !== undefined, identities: o.bench.identities() };
}

function assemble(plan: Plan, o: OpenedBench, benchInfo: BenchInfo, recorder: RunRecorder,
  opts: { recovery?: Partial<RecoveryPolicy>; safeTimeout_s?: number }): PreparedRun {
  const engine = new RunEngine({
    plan, bench: o.bench, now_s: o.now_s, records: recorder, runId: recorder.runId, benchWait: o.benchWait,
    recovery: { ...plan.sequence.doc.recovery, ...opts.recovery },
    ...(opts.safeTimeout_s !== undefined ? { safeTimeout_s: opts.safeTimeout_s } : {}),
    // A resumed run first puts the bench back: settings, the stage at its site, the alignment re-run.
    restoreOnResume: true,
  });
  return { plan, bench: o.bench, benchInfo, engine, recorder, sim: o.sim, close: () => o.bench.close() };
}
