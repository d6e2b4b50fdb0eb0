// Everything between "run this plan on that bench" and a RunEngine ready to go, in one place for every
// caller (BenchService, and through it the CLI and the UI): opening a bench for runs (a bench file, or the
// in-process simulator with its virtual clock), creating a run folder for a plan and wiring the engine to
// the bench's clock and bench-time waits, and continuing an interrupted run folder on an open bench.
// prepareRun/prepareResume join the two for callers that own their bench (tests, scripts).
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
import { buildPlan, type PlanOptions } from './plan/build-plan.ts';
import type { Plan } from './plan/plan-types.ts';
import type { RunConfig } from './records/journal.ts';
import { RunRecorder } from './records/recorder.ts';
import { SOFTWARE } from './records/software.ts';
import { loadSequenceFile, loadSequenceText } from './schema/load.ts';
import type { BenchInfo } from './step.ts';

/** `world` (simulator only; absent = 'chip'): what lies under the fiber array, the chip or the 20 × 20 wafer. */
export type BenchChoice = { sim: true; seed: number; realtime: boolean; world?: 'chip' | 'wafer' } | { sim: false; file: string };

/** An open bench with what runs need of it: its clock, bench-time waits, and how it was opened (for resume). */
export interface OpenedBench {
  bench: Bench;
  /** The simulator, for simulated benches (tests inject faults through it). */
  sim: VirtualBench | undefined;
  /** Recorded in each run's journal: `benchctl resume` opens the same again by default. */
  choice: BenchChoice;
  /** Bench seconds: the simulator's clock, or wall time since the bench opened. */
  now_s: () => number;
  /** Lets bench time pass: advances the simulator's fast clock, or sleeps. */
  benchWait: (duration_s: number, signal: AbortSignal) => Promise<void>;
}

/** Opens a bench file, or an in-process simulator (closed with the bench). */
export async function openRunBench(choice: BenchChoice): Promise<OpenedBench> {
  if (choice.sim) {
    const sim = new VirtualBench({ seed: choice.seed, mode: choice.realtime ? 'realtime' : 'fast', ...(choice.world ? { world: choice.world } : {}) });
    try {
      const bench = await openSimBench(sim, { closeSimulator: true });
      return { bench, sim, choice, now_s: () => sim.clock.now_s(), benchWait: (d) => sim.clock.advance(d) };
    } catch (err) {
      await sim.close();
      throw err;
    }
  }
  const bench = await openBench(choice.file);
  const t0 = performance.now();
  return {
    bench, sim: undefined, choice: { sim: false, file: choice.file },
    now_s: () => (performance.now() - t0) / 1000, benchWait: (d, signal) => sleep(d * 1000, undefined, { signal }),
  };
}

/** What a caller may add to a run's set-up. */
export interface RunSetupOptions {
  /** Overrides of the sequence's `recovery:` settings (e.g. `--reconnect-deadline`). */
  recovery?: Partial<RecoveryPolicy>;
  /** Per instrument, how long making the bench safe may take (default 10 s). */
  safeTimeout_s?: number;
}

/** A run ready to start: engine.run() runs it into the recorder's folder. */
export interface ReadyRun {
  plan: Plan;
  engine: RunEngine;
  recorder: RunRecorder;
}

/** The BenchInfo a plan is checked against on this bench (driver ranges, channels, soft limits). */
export function benchInfoOf(on: OpenedBench): BenchInfo {
  return benchInfoFromBench(on.bench, on.sim !== undefined);
}

/**
 * A new run of `plan` (built against this bench, see benchInfoOf) on an open bench: the run folder created
 * under `outDir` with the sequence and the plan journalled, the engine wired to the bench's clock.
 */
export function createRun(on: OpenedBench, plan: Plan, outDir: string, opts: RunSetupOptions = {}): ReadyRun {
  const seq = plan.sequence;
  const config: Omit<RunConfig, 'runId'> = {
    sequenceName: seq.doc.name, sequenceFile: seq.file, baseDir: seq.baseDir, overrides: seq.overrides,
    bench: { ...on.choice }, software: { ...SOFTWARE },
  };
  const recorder = RunRecorder.create(outDir, plan, config, benchRecord(on));
  return { plan, engine: engineFor(on, plan, recorder, opts), recorder };
}

/** How an interrupted run was started (its journal's first entry); throws naming the folder when it is not a run. */
export function runConfigOf(folder: string): RunConfig {
  return RunRecorder.config(folder);
}

/**
 * Continues an interrupted run folder on an open bench: the plan rebuilt from the folder's copy of the
 * sequence and its overrides (checked against this bench), its records reopened. The engine first puts the
 * bench back as the finished steps left it, then continues the interrupted step after its last point.
 */
export function continueRun(on: OpenedBench, folder: string, opts: RunSetupOptions = {}, rules: Pick<PlanOptions, 'scripts' | 'maps'> = {}): ReadyRun {
  const config = runConfigOf(folder);
  const file = join(folder, 'sequence.yaml');
  const seq = loadSequenceText(file, readFileSync(file, 'utf8'), {
    set: Object.entries(config.overrides).map(([k, v]) => `${k}=${v}`), baseDir: config.baseDir, fallbackName: config.sequenceName,
  });
  // Checked again under the rules the run was started under (a service's folders): a file may have changed since.
  const plan = buildPlan(seq, { bench: benchInfoOf(on), ...rules });
  const recorder = RunRecorder.reopen(folder, plan, benchRecord(on));
  return { plan, engine: engineFor(on, plan, recorder, opts), recorder };
}

function benchRecord(on: OpenedBench) {
  return { name: on.bench.name, simulated: on.sim !== undefined, identities: on.bench.identities() };
}

function engineFor(on: OpenedBench, plan: Plan, recorder: RunRecorder, opts: RunSetupOptions): RunEngine {
  return new RunEngine({
    plan, bench: on.bench, now_s: on.now_s, records: recorder, runId: recorder.runId, benchWait: on.benchWait,
    recovery: { ...plan.sequence.doc.recovery, ...opts.recovery },
    ...(opts.safeTimeout_s !== undefined ? { safeTimeout_s: opts.safeTimeout_s } : {}),
    // A resumed run first puts the bench back: settings, the stage at its site, the alignment re-run.
    restoreOnResume: true,
  });
}

// ── for callers that own their bench ──

export interface PreparedRun extends ReadyRun {
  bench: Bench;
  benchInfo: BenchInfo;
  /** The simulator, for --sim runs (tests inject faults through it). */
  sim: VirtualBench | undefined;
  /** Closes the bench (and the simulator). */
  close(): Promise<void>;
}

export interface StartRunOptions extends RunSetupOptions {
  sequenceFile: string;
  set?: readonly string[];
  outDir: string;
  bench: BenchChoice;
}

/** Loads and validates the sequence, opens the bench, checks every step against it, creates the run folder. */
export async function prepareRun(opts: StartRunOptions): Promise<PreparedRun> {
  const seq = await loadSequenceFile(opts.sequenceFile, { ...(opts.set ? { set: opts.set } : {}) });
  return withOpened(opts.bench, (on) => createRun(on, buildPlan(seq, { bench: benchInfoOf(on) }), opts.outDir, opts));
}

export interface ResumeRunOptions extends RunSetupOptions {
  folder: string;
  /** Default: the bench the run was started on (the same simulator seed, or the same bench file). */
  bench?: BenchChoice;
}

/** Rebuilds the plan from the run folder's copy of the sequence and its overrides, and reopens its records. */
export async function prepareResume(opts: ResumeRunOptions): Promise<PreparedRun> {
  // Read first: a folder that is not a run is refused before any bench is opened.
  const config = runConfigOf(opts.folder);
  return withOpened(opts.bench ?? config.bench, (on) => continueRun(on, opts.folder, opts));
}

async function withOpened(choice: BenchChoice, make: (on: OpenedBench) => ReadyRun): Promise<PreparedRun> {
  const on = await openRunBench(choice);
  try {
    const ready = make(on);
    return { ...ready, bench: on.bench, benchInfo: benchInfoOf(on), sim: on.sim, close: () => on.bench.close() };
  } catch (err) {
    await on.bench.close();
    throw err;
  }
}
