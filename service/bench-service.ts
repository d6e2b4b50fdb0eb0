// BenchService: the one implementation of BenchApi, which Electron's IPC, the WebSocket bridge and the
// CLI all call. It composes the open bench (BenchHolder), manual control, the SCPI console, the meter
// monitor, the sequence library, the run manager and the run history; events go out through `events`.
// Instrument I/O happens here, in whatever process hosts the service (Electron's main process, or
// `benchctl serve`), never on a UI thread.
import { fileURLToPath } from 'node:url';
import type { BenchApi, BenchEventListener, BenchEventName, BenchEventSource, RoleRequest } from './bench-api.ts';
import type {
  BenchStatus, BertSettings, BertState, LaserSettings, LaserState, MeterChannelState, MeterReading, MeterSettings,
  MonitorSettings, MonitorState, OpenBenchRequest, ScpiReply, StageState, VoaSettings, VoaState,
} from './bench-types.ts';
import type {
  ContinueRunRequest, ExportedFile, RunDetails, RunState, RunSummary, SequenceEntry, SequenceLoadRequest, SequenceLoadResult,
  SequenceSource,
} from './run-types.ts';
import type { RecoveryPolicy } from '../sequences/engine/link-loss.ts';
import type { RunEvent } from '../sequences/events.ts';
import { benchInfoOf } from '../sequences/runner.ts';
import type { VirtualBench } from '../sim/virtual-bench.ts';
import { BenchHolder } from './bench-holder.ts';
import { BertControl } from './bert-control.ts';
import { BenchEventHub } from './event-hub.ts';
import { LaserWatch, type LaserWatchOptions } from './laser-watch.ts';
import { ManualControl } from './manual-control.ts';
import { MeterMonitor, type MonitorOptions } from './meter-monitor.ts';
import { RunNotFoundError } from './errors.ts';
import { RunHistory } from './run-history.ts';
import type { DieSiteFilter, IndexInfo, LotYield, RunSearchFilter, RunSearchPage, RunSearchRequest, RunTrendRequest, TrendPoint } from './index-types.ts';
import { RunIndex, type RunIndexOptions } from './run-index.ts';
import { RunManager } from './run-manager.ts';
import { scpiLine } from './scpi-console.ts';
import { SequenceLibrary } from './sequence-library.ts';

/** The repository's sequence library, when the service runs from source (bundles pass libraryDir). */
export const DEFAULT_LIBRARY_DIR = fileURLToPath(new URL('../sequences/library/', import.meta.url));

export interface BenchServiceOptions {
  /** Where run folders go (and are listed from). Default `<cwd>/runs`. */
  runsDir?: string;
  libraryDir?: string;
  /** Relative bench-file and sequence paths resolve against this. Default: the process's working directory. */
  cwd?: string;
  /** Folders named sequence and bench files may be read from, besides the library (default: cwd; 'any': anywhere). */
  roots?: readonly string[] | 'any';
  /** Folders `script` steps may load modules from, besides the library ('any': beside a named sequence file). */
  scriptRoots?: readonly string[] | 'any';
  monitor?: MonitorOptions;
  /** The lasers' re-read period while idle (default 2 s). */
  laserWatch?: LaserWatchOptions;
  /** Per-instrument limit for bench.safe() (default 10 s), on close and when a run stops early. */
  safeTimeout_s?: number;
  /** Overrides of every run's `recovery:` settings (`benchctl run --reconnect-deadline`). */
  recovery?: Partial<RecoveryPolicy>;
  /** Run events kept for catching up (runEvents); default 500,000. The CLI, which never catches up, keeps none. */
  keptRunEvents?: number;
  /** While closing the bench keeps trying to make a role safe: `making safe… (laser not confirmed off)`. */
  onSafeProgress?: (message: string) => void;
  /**
   * The run index: where it lives (default an SQLite file beside the runs folder) and who hears of its
   * problems; `false` keeps none (the History search then refuses, naming why).
   */
  index?: RunIndexOptions | false;
}

export class BenchService implements BenchApi, BenchEventSource {
  readonly events = new BenchEventHub();
  private readonly holder: BenchHolder;
  private readonly manual: ManualControl;
  private readonly bertControl: BertControl;
  private readonly monitor: MeterMonitor;
  private readonly lasers: LaserWatch;
  private readonly library: SequenceLibrary;
  private readonly runs: RunManager;
  private readonly history: RunHistory;
  /** null when the service keeps no index (index: false). */
  readonly runIndex: RunIndex | null;
  private closed = false;

  constructor(opts: BenchServiceOptions = {}) {
    const cwd = opts.cwd ?? process.cwd();
    const runsDir = opts.runsDir ?? `${cwd}/runs`;
    this.holder = new BenchHolder(this.events, {
      cwd, ...(opts.safeTimeout_s !== undefined ? { safeTimeout_s: opts.safeTimeout_s } : {}),
      ...(opts.recovery?.safeDeadline_s !== undefined ? { safeDeadline_s: opts.recovery.safeDeadline_s } : {}),
      ...(opts.onSafeProgress ? { onSafeProgress: opts.onSafeProgress } : {}),
    });
    this.manual = new ManualControl(this.holder, this.events);
    this.bertControl = new BertControl(this.holder);
    this.monitor = new MeterMonitor(this.holder, this.manual, this.events, opts.monitor);
    this.lasers = new LaserWatch(this.holder, this.manual, this.events, opts.laserWatch);
    this.library = new SequenceLibrary({
      libraryDir: opts.libraryDir ?? DEFAULT_LIBRARY_DIR, cwd,
      ...(opts.roots !== undefined ? { roots: opts.roots } : {}), ...(opts.scriptRoots !== undefined ? { scriptRoots: opts.scriptRoots } : {}),
    });
    this.runs = new RunManager(this.holder, this.events, this.library, {
      runsDir,
      ...(opts.keptRunEvents !== undefined ? { keptEvents: opts.keptRunEvents } : {}),
      setup: {
        ...(opts.recovery ? { recovery: opts.recovery } : {}),
        ...(opts.safeTimeout_s !== undefined ? { safeTimeout_s: opts.safeTimeout_s } : {}),
      },
    });
    this.history = new RunHistory(runsDir);
    this.runIndex = opts.index === false ? null : new RunIndex(this.events, runsDir, opts.index ?? {});
  }

  on<E extends BenchEventName>(event: E, listener: BenchEventListener<E>): () => void {
    return this.events.on(event, listener);
  }

  /** The in-process simulator while one is open (tests and demos inject faults through it), else null. */
  get simulator(): VirtualBench | null {
    return this.holder.simulator;
  }

  /**
   * Shutdown (window closed, app quitting, SIGINT/SIGTERM, a renderer crash): aborts a run (which makes
   * the bench safe), then makes the bench safe and closes it. Idempotent; never throws.
   */
  async shutdown(): Promise<{ ok: boolean; message: string }> {
    if (this.closed) return { ok: true, message: 'already shut down' };
    this.closed = true;
    this.monitor.stop();
    this.lasers.stop();
    try {
      await this.runs.shutdown();
      return await this.holder.close();
    } catch (err) {
      return { ok: false, message: `shutdown: ${(err as Error).message}` };
    } finally {
      // After the run's last record: what the index is still owed waits in the outbox for the next start.
      await this.runIndex?.close().catch(() => undefined);
    }
  }

  private index(op: string): RunIndex {
    if (!this.runIndex) throw new RunNotFoundError(`${op}: this service keeps no run index (started without one); list the run folders with listRuns`);
    return this.runIndex;
  }

  /**
   * The UI is gone (a renderer crashed): abort a run, and put the bench in its safe state, keeping it open
   * so a reloaded window can carry on. Never throws.
   */
  async emergencySafe(): Promise<{ ok: boolean; message: string }> {
    try {
      await this.runs.shutdown('the user interface crashed');
      if (!this.holder.isOpen) return { ok: true, message: 'no bench open' };
      return await this.holder.safe();
    } catch (err) {
      return { ok: false, message: `emergency safe state: ${(err as Error).message}` };
    }
  }

  /**
   * Lets named paths be read from `dir` too: for a folder the operator chose in the desktop app's native
   * file dialog, which no renderer can fake. Not part of BenchApi (no bridge or IPC caller reaches it).
   */
  allowFolder(dir: string): void {
    this.library.allowFolder(dir);
  }

  // ── the bench ──
  async openBench(req: OpenBenchRequest): Promise<BenchStatus> {
    // A bench file names resources the service will open: read only from the configured folders.
    if (req.kind === 'file') this.library.resolveNamed('bench file', req.path);
    return this.holder.open(req);
  }

  async closeBench(): Promise<BenchStatus> {
    await this.holder.close();
    return this.holder.status();
  }

  async benchStatus(): Promise<BenchStatus> {
    return this.holder.status();
  }

  async makeSafe(): Promise<{ ok: boolean; message: string }> {
    const r = await this.holder.safe();
    // Every window sees the lasers off (or that one could not be switched off) at once.
    await this.lasers.refresh();
    return r;
  }

  // ── manual control ──
  laserState(req?: RoleRequest): Promise<LaserState> {
    return this.manual.laserState(req);
  }

  setLaser(req: LaserSettings): Promise<LaserState> {
    // A refused call leaves the laser's error standing in its status; the watch's next read pushes its state.
    return this.manual.setLaser(req);
  }

  readMeter(req?: RoleRequest & { channels?: number[] }): Promise<MeterReading> {
    return this.manual.readMeter(req);
  }

  setMeter(req: MeterSettings): Promise<MeterChannelState> {
    return this.manual.setMeter(req);
  }

  async monitorState(): Promise<MonitorState> {
    return this.monitor.state();
  }

  async setMonitor(req: MonitorSettings): Promise<MonitorState> {
    return this.monitor.set(req);
  }

  stageState(req?: RoleRequest): Promise<StageState> {
    return this.manual.stageState(req);
  }

  jogStage(req: RoleRequest & { axis: string; delta_um: number }): Promise<StageState> {
    return this.manual.jogStage(req);
  }

  moveStage(req: RoleRequest & { axis: string; target_um: number }): Promise<StageState> {
    return this.manual.moveStage(req);
  }

  stopStage(req?: RoleRequest): Promise<StageState> {
    return this.manual.stopStage(req);
  }

  voaState(req?: RoleRequest): Promise<VoaState> {
    return this.manual.voaState(req);
  }

  setVoa(req: VoaSettings): Promise<VoaState> {
    return this.manual.setVoa(req);
  }

  bertState(req?: RoleRequest): Promise<BertState> {
    return this.bertControl.bertState(req);
  }

  setBert(req: BertSettings): Promise<BertState> {
    return this.bertControl.setBert(req);
  }

  startBertGate(req?: RoleRequest): Promise<BertState> {
    return this.bertControl.startBertGate(req);
  }

  stopBertGate(req?: RoleRequest): Promise<BertState> {
    return this.bertControl.stopBertGate(req);
  }

  // ── SCPI console ──
  async scpi(req: { role: string; command: string; timeout_ms?: number }): Promise<ScpiReply> {
    const reply = await scpiLine(this.holder, req);
    // A console line may have switched a laser (OUTP ON): read it back and push it.
    if (this.holder.status().instruments.some((i) => i.role === reply.role && i.kind === 'laser')) await this.lasers.refresh(reply.role);
    return reply;
  }

  // ── sequences ──
  listSequences(): Promise<SequenceEntry[]> {
    return this.library.list();
  }

  async loadSequence(req: SequenceLoadRequest): Promise<SequenceLoadResult> {
    const { benchFile, ...source } = req;
    const opened = this.holder.opened;
    const against = benchFile !== undefined ? await this.library.benchFileInfo(benchFile) : opened ? benchInfoOf(opened) : null;
    return this.library.load(source, against);
  }

  startRun(req: SequenceSource): Promise<RunState> {
    return this.runs.start(req);
  }

  async pauseRun(): Promise<RunState> {
    return this.runs.pause();
  }

  async resumeRun(req?: ContinueRunRequest): Promise<RunState> {
    return req?.runId === undefined ? this.runs.resume() : this.runs.continue(req.runId);
  }

  async abortRun(req?: { message?: string }): Promise<RunState> {
    return this.runs.abort(req?.message);
  }

  async runState(): Promise<RunState> {
    return this.runs.state();
  }

  async runEvents(req: { since: number }): Promise<{ runId: string | null; events: RunEvent[]; next: number }> {
    return this.runs.events(req.since);
  }

  // ── history ──
  listRuns(): Promise<RunSummary[]> {
    return this.history.list();
  }

  openRun(req: { runId: string }): Promise<RunDetails> {
    return this.history.open(req.runId);
  }

  exportRunCsv(req: { runId: string; file: string }): Promise<ExportedFile> {
    return this.history.exportCsv(req.runId, req.file);
  }

  async searchRuns(req?: RunSearchRequest): Promise<RunSearchPage> {
    return this.index('searchRuns').search(req ?? {});
  }

  async runTrend(req: RunTrendRequest): Promise<TrendPoint[]> {
    return this.index('runTrend').trend(req);
  }

  async lotYield(req?: RunSearchFilter & DieSiteFilter): Promise<LotYield[]> {
    return this.index('lotYield').yieldByLot(req ?? {});
  }

  async indexInfo(): Promise<IndexInfo> {
    if (!this.runIndex) return { index: null, pending: 0, lastError: null, measurements: [] };
    return this.runIndex.info();
  }
}
