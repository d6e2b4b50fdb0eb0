// One run at a time on the service's open bench: a sequence planned against it and a run folder created,
// or an interrupted run folder continued (sequences/runner.ts does the set-up for both); the engine started
// in the background; its events kept (for a UI that reconnects mid-run) and pushed; pause/resume/abort
// forwarded. While it runs, the run owns the bench: manual control and the monitor wait.
import { basename, join } from 'node:path';
import type { RunEvent } from '../sequences/events.ts';
import { benchInfoOf, continueRun, createRun, runConfigOf, type BenchChoice, type OpenedBench, type ReadyRun, type RunSetupOptions } from '../sequences/runner.ts';
import type { RunEngine } from '../sequences/engine/engine.ts';
import { SequenceError } from '../sequences/schema/errors.ts';
import type { BenchHolder } from './bench-holder.ts';
import type { OpenBenchRequest } from './bench-types.ts';
import type { RunPhase, RunState, SequenceSource } from './run-types.ts';
import { RunNotFoundError, RunStateError, SequenceRejectedError } from './errors.ts';
import type { BenchEventHub } from './event-hub.ts';
import type { SequenceLibrary } from './sequence-library.ts';

/** Events kept per run for catching up, by default; an overnight run's oldest points go first past this. */
const MAX_KEPT_EVENTS = 500_000;

interface ActiveRun {
  engine: RunEngine;
  runId: string;
  folder: string;
  events: RunEvent[];
  /** Index of events[0] among all the run's events. */
  firstIndex: number;
  state: RunState;
  /** Bench time when the run started (what the engine's t_s counts from). */
  start_s: number;
  now_s: () => number;
  done: Promise<void>;
  /** The bench was given back (a resumed run has the same id as its earlier self: this, not the id, says which). */
  released: boolean;
}

export interface RunManagerOptions {
  runsDir: string;
  /**
   * Run events kept for a UI that catches up (runEvents); default 500,000. A caller that never catches up
   * (the CLI prints each event as it comes) keeps none, so an overnight run's points do not pile up.
   */
  keptEvents?: number;
  /** Every run's set-up: recovery overrides (`--reconnect-deadline`), the safe-state timeout. */
  setup?: RunSetupOptions;
}

const IDLE: RunState = {
  phase: 'idle', runId: null, runFolder: null, sequence: null, dut: null, stepId: null, stepIndex: 0, stepCount: 0,
  estimate_s: 0, elapsed_s: 0, remaining_s: 0, events: 0, passed: null, message: null,
};

export class RunManager {
  private run: ActiveRun | null = null;
  private starting = false;
  private readonly holder: BenchHolder;
  private readonly hub: BenchEventHub;
  private readonly library: SequenceLibrary;
  private readonly keptEvents: number;
  private readonly setup: RunSetupOptions;
  readonly runsDir: string;

  constructor(holder: BenchHolder, hub: BenchEventHub, library: SequenceLibrary, opts: RunManagerOptions) {
    this.holder = holder;
    this.hub = hub;
    this.library = library;
    this.runsDir = opts.runsDir;
    this.keptEvents = Math.max(0, opts.keptEvents ?? MAX_KEPT_EVENTS);
    this.setup = opts.setup ?? {};
  }

  get running(): boolean {
    return this.run !== null && isLive(this.run.state.phase);
  }

  start(source: SequenceSource): Promise<RunState> {
    return this.exclusive('startRun', async () => {
      const on = this.holder.forRun('startRun');
      const prepared = await this.library.prepare(source, benchInfoOf(on));
      if (!prepared.ok) throw new SequenceRejectedError('startRun', prepared.result.issues);
      this.refuseWaferOnChip(prepared.plan.wafers ?? [], prepared.info.path);
      this.checkSameBench(on, 'startRun');
      return this.launch(on, createRun(on, prepared.plan, this.runsDir, this.setup));
    });
  }

  /**
   * A wafer loop on the simulator's chip world finds no die (the chip's four sites lie elsewhere): every die
   * would spiral for nothing and be binned 'no light'. Refused, saying how to open the wafer world.
   */
  private refuseWaferOnChip(wafers: readonly { loopId: string; map: { file: string } }[], file: string): void {
    const src = this.holder.source;
    const loop = wafers[0];
    if (!loop || src?.kind !== 'sim' || src.world === 'wafer') return;
    throw new SequenceRejectedError('startRun', [{
      file, line: 0, col: 0, field: loop.loopId,
      message: `a wafer loop (map ${basename(loop.map.file)}) needs the simulator's wafer world, but the simulator is open with the chip world; `
        + "close it and open it with World: wafer (or start 'benchctl serve --sim --world wafer')",
    }]);
  }

  /**
   * Continues the interrupted run `runId` (a folder of the runs directory) into the same records: on the open
   * bench, or with none open on the bench the run was started on, opened first.
   */
  continue(runId: string): Promise<RunState> {
    return this.exclusive('resumeRun', async () => {
      const folder = this.folderOf(runId);
      // A folder that is not a run (no journal) is refused before any bench is opened.
      const config = runConfigOf(folder);
      if (!this.holder.isOpen) await this.holder.open(openRequestOf(config.bench));
      const on = this.holder.forRun('resumeRun');
      let ready: ReadyRun;
      try {
        // The rules the service starts runs under, again: a map or module may have been swapped since.
        ready = continueRun(on, folder, this.setup, this.library.resumePolicies(config));
      } catch (err) {
        if (err instanceof SequenceError) throw new SequenceRejectedError('resumeRun', err.issues);
        throw err;
      }
      return this.launch(on, ready);
    });
  }

  pause(): RunState {
    const run = this.live('pauseRun');
    if (run.state.phase !== 'running') throw new RunStateError(`pauseRun: run ${run.runId} is ${run.state.phase}, not running`);
    run.engine.pause();
    return this.state();
  }

  /** A paused run goes on; a pausing one never holds. */
  resume(): RunState {
    const run = this.live('resumeRun');
    if (run.state.phase !== 'paused' && run.state.phase !== 'pausing') {
      throw new RunStateError(`resumeRun: run ${run.runId} is ${run.state.phase}, not paused; to continue an interrupted run, give its runId`);
    }
    run.engine.resume();
    return this.state();
  }

  abort(message = 'aborted by the operator'): RunState {
    const run = this.live('abortRun');
    run.engine.abort(message);
    if (isLive(run.state.phase)) {
      run.state.phase = 'stopping';
      this.pushState(run);
    }
    return this.state();
  }

  state(): RunState {
    const run = this.run;
    if (!run) return { ...IDLE };
    const s = run.state;
    if (isLive(s.phase) && s.phase !== 'paused') {
      s.elapsed_s = run.now_s() - run.start_s;
    }
    return { ...s, events: run.firstIndex + run.events.length };
  }

  events(since: number): { runId: string | null; events: RunEvent[]; next: number } {
    const run = this.run;
    if (!run) return { runId: null, events: [], next: 0 };
    const from = Math.max(since, run.firstIndex);
    return { runId: run.runId, events: run.events.slice(from - run.firstIndex), next: run.firstIndex + run.events.length };
  }

  /** Aborts a live run and waits for it to end (bench safe, records closed): service shutdown. */
  async shutdown(message = 'the application is closing'): Promise<void> {
    const run = this.run;
    if (!run) return;
    if (isLive(run.state.phase)) run.engine.abort(message);
    await run.done;
  }

  /** One start (or continue) at a time, and none while a run is live: planning awaits, a second call must not make a second run. */
  private async exclusive(op: string, begin: () => Promise<RunState>): Promise<RunState> {
    if (this.run && isLive(this.run.state.phase)) throw new RunStateError(`${op}: run ${this.run.runId} is still ${this.run.state.phase}; abort it or wait for it to end`);
    if (this.starting) throw new RunStateError(`${op}: another run is being started`);
    this.starting = true;
    try {
      return await begin();
    } finally {
      this.starting = false;
    }
  }

  /** The bench after planning: still the one the plan was checked against. */
  private checkSameBench(planned: OpenedBench, op: string): void {
    if (this.holder.forRun(op) !== planned) throw new RunStateError(`${op}: the bench was replaced while the sequence was being planned; start again`);
  }

  private folderOf(runId: string): string {
    if (runId === '' || runId === '.' || runId === '..' || basename(runId) !== runId || /[\\/]/.test(runId)) {
      throw new RunNotFoundError(`resumeRun: '${runId}' is not a run folder name; expected the name of a folder in ${this.runsDir}`);
    }
    return join(this.runsDir, runId);
  }

  private launch(on: OpenedBench, ready: ReadyRun): RunState {
    const { plan, engine, recorder } = ready;
    const seq = plan.sequence;
    const run: ActiveRun = {
      engine, runId: recorder.runId, folder: recorder.folder, events: [], firstIndex: 0, start_s: on.now_s(), now_s: on.now_s,
      state: {
        ...IDLE, phase: 'running', runId: recorder.runId, runFolder: recorder.folder, sequence: seq.doc.name,
        dut: String(seq.metadata.dut), stepCount: plan.steps.length, estimate_s: plan.estimate_s, remaining_s: plan.estimate_s,
      },
      done: Promise.resolve(),
      released: false,
    };
    this.run = run;
    engine.on((event) => this.onEvent(run, event));
    this.holder.setOwner(run.runId);
    this.pushState(run);
    run.done = engine.run().then(
      (result) => {
        this.release(run);
        if (isLive(run.state.phase)) this.setPhase(run, result.status, result.message ?? null, result.passed);
      },
      (err: unknown) => {
        this.release(run);
        this.setPhase(run, 'error', err instanceof Error ? err.message : String(err), null);
      },
    ).finally(() => this.pushState(run));
    return this.state();
  }

  private live(op: string): ActiveRun {
    const run = this.run;
    if (!run || !isLive(run.state.phase)) throw new RunStateError(`${op}: no run is going on`);
    return run;
  }

  private onEvent(run: ActiveRun, event: RunEvent): void {
    const index = run.firstIndex + run.events.length;
    run.events.push(event);
    if (run.events.length > this.keptEvents) {
      const drop = run.events.length - this.keptEvents;
      run.events.splice(0, drop);
      run.firstIndex += drop;
    }
    const s = run.state;
    s.elapsed_s = event.t_s;
    // Once abort was asked, the run is stopping whatever a step still reports.
    const settable = s.phase !== 'stopping';
    switch (event.type) {
      case 'run-started':
        s.estimate_s = event.estimate_s;
        s.remaining_s = event.estimate_s;
        break;
      case 'step-started':
        s.stepId = event.stepId;
        s.stepIndex = event.index;
        s.stepCount = event.total;
        s.remaining_s = event.remaining_s;
        break;
      case 'pausing':
        if (settable) s.phase = 'pausing';
        break;
      case 'paused':
        if (settable) s.phase = 'paused';
        break;
      case 'resumed':
        if (settable) s.phase = 'running';
        break;
      case 'making-safe':
        // Shown until the run's last event: `making safe… (laser not confirmed off)`.
        s.phase = 'stopping';
        s.message = event.message;
        break;
      case 'finished':
        s.remaining_s = 0;
        this.release(run);
        this.setPhase(run, event.passed ? 'passed' : 'failed', null, event.passed);
        break;
      case 'aborted':
        this.release(run);
        this.setPhase(run, event.reason === 'error' ? 'error' : 'aborted', event.message, null);
        break;
      default:
        break;
    }
    this.hub.emit('run', { index, event });
    if (PUSHES_STATE.has(event.type)) this.pushState(run);
  }

  /**
   * The run's last event comes once its records are closed (and, stopping early, the bench made safe): the
   * bench is given back then, so whoever sees the final state may use it at once (start again, resume).
   */
  private release(run: ActiveRun): void {
    if (run.released) return;
    run.released = true;
    if (this.holder.owner === run.runId) this.holder.setOwner(null);
  }

  private setPhase(run: ActiveRun, phase: RunPhase, message: string | null, passed: boolean | null): void {
    run.state.phase = phase;
    run.state.message = message;
    run.state.passed = passed;
    this.pushState(run);
  }

  private pushState(run: ActiveRun): void {
    if (this.run !== run) return;
    this.hub.emit('runState', this.state());
  }
}

const PUSHES_STATE: ReadonlySet<RunEvent['type']> = new Set(['pausing', 'paused', 'resumed', 'step-started', 'run-started', 'making-safe']);

function isLive(phase: RunPhase): boolean {
  return phase === 'running' || phase === 'pausing' || phase === 'paused' || phase === 'stopping';
}

/** The bench a run journal names, as the service opens it. */
function openRequestOf(choice: BenchChoice): OpenBenchRequest {
  return choice.sim
    ? { kind: 'sim', seed: choice.seed, realtime: choice.realtime, ...(choice.world ? { world: choice.world } : {}) }
    : { kind: 'file', path: choice.file };
}
