// One run at a time on the service's open bench: the sequence planned against it, a run folder created,
// the engine started in the background; its events kept (for a UI that reconnects mid-run) and pushed;
// pause/resume/abort forwarded. While it runs, the run owns the bench: manual control and the monitor wait.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEvent } from '../sequences/events.ts';
import { RunEngine } from '../sequences/engine/engine.ts';
import type { RunConfig } from '../sequences/records/journal.ts';
import { RunRecorder } from '../sequences/records/recorder.ts';
import { SOFTWARE } from '../sequences/records/software.ts';
import type { BenchHolder } from './bench-holder.ts';
import type { RunPhase, RunState, SequenceSource } from './run-types.ts';
import { RunStateError, SequenceRejectedError } from './errors.ts';
import type { BenchEventHub } from './event-hub.ts';
import type { SequenceLibrary } from './sequence-library.ts';

/** Events kept per run for catching up; an overnight run's oldest points go first past this. */
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
}

export interface RunManagerOptions {
  runsDir: string;
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
  readonly runsDir: string;

  constructor(holder: BenchHolder, hub: BenchEventHub, library: SequenceLibrary, opts: RunManagerOptions) {
    this.holder = holder;
    this.hub = hub;
    this.library = library;
    this.runsDir = opts.runsDir;
  }

  get running(): boolean {
    return this.run !== null && isLive(this.run.state.phase);
  }

  async start(source: SequenceSource): Promise<RunState> {
    if (this.run && isLive(this.run.state.phase)) throw new RunStateError(`startRun: run ${this.run.runId} is still ${this.run.state.phase}; abort it or wait for it to end`);
    // Planning awaits; a second start meanwhile must not make a second run.
    if (this.starting) throw new RunStateError('startRun: another run is being started');
    this.starting = true;
    try {
      return await this.startNow(source);
    } finally {
      this.starting = false;
    }
  }

  private async startNow(source: SequenceSource): Promise<RunState> {
    const bench = this.holder.requireIdle('startRun');
    const sim = this.holder.simulator;
    const prepared = await this.library.prepare(source, { bench, simulated: sim !== null });
    if (!prepared.ok) {
      const lines = prepared.result.issues.map((i) => `${i.line > 0 ? `${i.file}:${i.line}: ` : ''}${i.field}: ${i.message}`);
      throw new SequenceRejectedError(`startRun: the sequence does not validate (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    }
    const { plan } = prepared;
    const seq = plan.sequence;
    const src = this.holder.source;
    const config: Omit<RunConfig, 'runId'> = {
      sequenceName: seq.doc.name, sequenceFile: seq.file, baseDir: seq.baseDir, overrides: seq.overrides,
      bench: src?.kind === 'sim' ? { sim: true, seed: src.seed, realtime: src.realtime } : { sim: false, file: src?.kind === 'file' ? src.path : bench.name },
      software: { ...SOFTWARE },
    };
    const recorder = RunRecorder.create(this.runsDir, plan, config, { name: bench.name, simulated: sim !== null, identities: bench.identities() });
    const t0 = performance.now();
    const now_s = sim ? () => sim.clock.now_s() : () => (performance.now() - t0) / 1000;
    const engine = new RunEngine({
      plan, bench, now_s, records: recorder, runId: recorder.runId, recovery: seq.doc.recovery,
      benchWait: sim ? (d) => sim.clock.advance(d) : (d, signal) => sleep(d * 1000, undefined, { signal }),
    });
    const run: ActiveRun = {
      engine, runId: recorder.runId, folder: recorder.folder, events: [], firstIndex: 0, start_s: now_s(), now_s,
      state: {
        ...IDLE, phase: 'running', runId: recorder.runId, runFolder: recorder.folder, sequence: seq.doc.name,
        dut: String(seq.metadata.dut), stepCount: plan.steps.length, estimate_s: plan.estimate_s, remaining_s: plan.estimate_s,
      },
      done: Promise.resolve(),
    };
    this.run = run;
    engine.on((event) => this.onEvent(run, event));
    this.holder.setOwner(run.runId);
    this.pushState(run);
    run.done = engine.run().then(
      (result) => {
        if (isLive(run.state.phase)) this.setPhase(run, result.status, result.message ?? null, result.passed);
      },
      (err: unknown) => this.setPhase(run, 'error', err instanceof Error ? err.message : String(err), null),
    ).finally(() => {
      this.holder.setOwner(null);
      this.pushState(run);
    });
    return this.state();
  }

  pause(): RunState {
    const run = this.live('pauseRun');
    if (run.state.phase !== 'running') throw new RunStateError(`pauseRun: run ${run.runId} is ${run.state.phase}, not running`);
    run.engine.pause();
    return this.state();
  }

  resume(): RunState {
    const run = this.live('resumeRun');
    if (run.state.phase !== 'paused') throw new RunStateError(`resumeRun: run ${run.runId} is ${run.state.phase}, not paused`);
    run.engine.resume();
    return this.state();
  }

  abort(): RunState {
    const run = this.live('abortRun');
    run.engine.abort('aborted by the operator');
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

  private live(op: string): ActiveRun {
    const run = this.run;
    if (!run || !isLive(run.state.phase)) throw new RunStateError(`${op}: no run is going on`);
    return run;
  }

  private onEvent(run: ActiveRun, event: RunEvent): void {
    const index = run.firstIndex + run.events.length;
    run.events.push(event);
    if (run.events.length > MAX_KEPT_EVENTS) {
      const drop = run.events.length - MAX_KEPT_EVENTS;
      run.events.splice(0, drop);
      run.firstIndex += drop;
    }
    const s = run.state;
    s.elapsed_s = event.t_s;
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
      case 'paused':
        s.phase = 'paused';
        break;
      case 'resumed':
        s.phase = 'running';
        break;
      case 'finished':
        s.remaining_s = 0;
        this.setPhase(run, event.passed ? 'passed' : 'failed', null, event.passed);
        break;
      case 'aborted':
        this.setPhase(run, event.reason === 'error' ? 'error' : 'aborted', event.message, null);
        break;
      default:
        break;
    }
    this.hub.emit('run', { index, event });
    if (event.type === 'paused' || event.type === 'resumed' || event.type === 'step-started' || event.type === 'run-started') this.pushState(run);
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

function isLive(phase: RunPhase): boolean {
  return phase === 'running' || phase === 'paused' || phase === 'stopping';
}
