// The one typed API of the bench (Heroic-style): a map of channel → function signature. The service
// implements it, Electron's IPC handlers and preload and the WebSocket bridge server and client are all
// typed by it, so renaming or reshaping a call fails to compile everywhere at once. Every payload here is
// plain JSON (it crosses IPC and a WebSocket): no -Infinity, no Dates, no Maps. The zod schemas of the
// requests live next door in bench-schemas.ts.
import type { RunEvent } from '../sequences/events.ts';
import type { RunRecord } from '../sequences/records/run-record.ts';
import type {
  BenchStatus, BertSettings, BertState, LaserReport, LaserSettings, LaserState, MeterChannelState, MeterReading, MeterSettings,
  MonitorSettings, MonitorState, OpenBenchRequest, ScpiReply, StageState, VoaSettings, VoaState,
} from './bench-types.ts';
import type {
  ContinueRunRequest, ExportedFile, RunDetails, RunState, RunSummary, SequenceEntry, SequenceLoadRequest, SequenceLoadResult,
  SequenceSource,
} from './run-types.ts';
import type { DieSiteFilter, IndexInfo, LotYield, RunSearchFilter, RunSearchPage, RunSearchRequest, RunTrendRequest, TrendPoint } from './index-types.ts';

export type * from './bench-types.ts';
export type * from './index-types.ts';
export type * from './run-types.ts';
export type { RunEvent, RunRecord };

/** Selects a role when the bench has several of one kind; default: the role named like the kind. */
export interface RoleRequest {
  role?: string;
}

/**
 * Every request → reply of the bench, by channel. Each call takes one JSON argument (or none) and returns
 * a promise; a refused call rejects with an Error whose message names the thing and what was expected.
 */
export interface BenchApi {
  // ── the bench ──
  /** Opens a bench file or the simulator (closing any bench open before). */
  openBench(req: OpenBenchRequest): Promise<BenchStatus>;
  /** Makes the bench safe and closes it. Refused while a run goes on (abort it first). */
  closeBench(): Promise<BenchStatus>;
  /** Identity, status and last error of each instrument. */
  benchStatus(): Promise<BenchStatus>;
  /** Puts every instrument in its safe state now (laser off, stages stopped, BERT gate stopped). */
  makeSafe(): Promise<{ ok: boolean; message: string }>;

  // ── manual control (refused while a run owns the bench) ──
  laserState(req?: RoleRequest): Promise<LaserState>;
  setLaser(req: LaserSettings): Promise<LaserState>;
  /** A fresh reading of each of the meter's channels (or the listed ones). */
  readMeter(req?: RoleRequest & { channels?: number[] }): Promise<MeterReading>;
  /** Sets a channel's wavelength, averaging or auto-range, and reads the settings back. */
  setMeter(req: MeterSettings): Promise<MeterChannelState>;
  /** The polling monitor: live meter readings pushed as 'monitor' events while no run owns the meter. */
  monitorState(): Promise<MonitorState>;
  setMonitor(req: MonitorSettings): Promise<MonitorState>;
  stageState(req?: RoleRequest): Promise<StageState>;
  /** A relative move of one axis, soft limits checked first; resolves when the motion is done. */
  jogStage(req: RoleRequest & { axis: string; delta_um: number }): Promise<StageState>;
  /** An absolute move of one axis, soft limits checked first; resolves when the motion is done. */
  moveStage(req: RoleRequest & { axis: string; target_um: number }): Promise<StageState>;
  stopStage(req?: RoleRequest): Promise<StageState>;
  voaState(req?: RoleRequest): Promise<VoaState>;
  setVoa(req: VoaSettings): Promise<VoaState>;
  bertState(req?: RoleRequest): Promise<BertState>;
  setBert(req: BertSettings): Promise<BertState>;
  startBertGate(req?: RoleRequest): Promise<BertState>;
  stopBertGate(req?: RoleRequest): Promise<BertState>;

  // ── SCPI console ──
  /** Sends one command (or query, ending in '?') to a role's instrument; instrument errors come back as data. */
  scpi(req: { role: string; command: string; timeout_ms?: number }): Promise<ScpiReply>;

  // ── sequences ──
  /** The sequence library (sequences/library/*.yaml). */
  listSequences(): Promise<SequenceEntry[]>;
  /**
   * Loads and validates a sequence (a library name, a path, or uploaded text) with parameter overrides, and
   * plans it with its ETA against the open bench's capabilities (or, with `benchFile`, against what that
   * file declares, without opening it). Problems come back as data, with line and field, for inline display.
   */
  loadSequence(req: SequenceLoadRequest): Promise<SequenceLoadResult>;
  /** Starts a run of the sequence on the open bench; one run at a time. Rejects when it does not validate. */
  startRun(req: SequenceSource): Promise<RunState>;
  /**
   * Asks the run to pause: the phase is 'pausing' until the step reaches its next checkpoint (the
   * measurement under way finishes and its readings arrive), then 'paused'.
   */
  pauseRun(): Promise<RunState>;
  /**
   * Without an argument: lets the paused (or pausing) run go on. With a run id from the history: continues
   * that interrupted run (killed, crashed, aborted) into the same records, as `benchctl resume` does — on the
   * open bench, or, with none open, on the bench the run was started on (opened first). The bench is put
   * back as the finished steps left it, then the interrupted step continues after its last recorded point.
   */
  resumeRun(req?: ContinueRunRequest): Promise<RunState>;
  /** Aborts the run: the bench is made safe, then the records are closed. `message` says why, for the record. */
  abortRun(req?: { message?: string }): Promise<RunState>;
  runState(): Promise<RunState>;
  /** The current (or last) run's events from index `since` on: what a reconnecting UI missed. */
  runEvents(req: { since: number }): Promise<{ runId: string | null; events: RunEvent[]; next: number }>;

  // ── history ──
  listRuns(): Promise<RunSummary[]>;
  /** One run folder: its run.json and every table (column-major, ready for plots). */
  openRun(req: { runId: string }): Promise<RunDetails>;
  /** One CSV file of a run, as written (for a download); `file` is its name in the run folder. */
  exportRunCsv(req: { runId: string; file: string }): Promise<ExportedFile>;
  /** The run index, searched: filters (DUT, lot, wafer, die, site, sequence, status, since, `where`), newest first, a page at a time. */
  searchRuns(req?: RunSearchRequest): Promise<RunSearchPage>;
  /** One measurement over the matching runs, oldest first, with its limits. */
  runTrend(req: RunTrendRequest): Promise<TrendPoint[]>;
  /** Passed, failed and unjudged runs per lot (the same filters as searchRuns, die and site among them). */
  lotYield(req?: RunSearchFilter & DieSiteFilter): Promise<LotYield[]>;
  /** Where the index lives, what it is owed, and the measurement names it holds. */
  indexInfo(): Promise<IndexInfo>;
}

export type BenchChannel = keyof BenchApi;
/** The argument of a channel's call (undefined for calls without one). */
export type BenchRequest<C extends BenchChannel> = Parameters<BenchApi[C]>[0];
export type BenchReply<C extends BenchChannel> = Awaited<ReturnType<BenchApi[C]>>;

/** Everything the service pushes to its subscribers, by event name. */
export interface BenchEvents {
  /** One run event with its index in the run's event list (see runEvents). */
  run: { index: number; event: RunEvent };
  /** The run's state changed (started, paused, resumed, finished, aborted). */
  runState: RunState;
  /** A live meter reading from the monitor. */
  monitor: MeterReading;
  /** The bench opened, closed, or an instrument's status or last error changed. */
  bench: BenchStatus;
  /** A stage moved (manual jog or move): its new positions. */
  stage: StageState;
  /** A laser was read (its emission above all): see LaserReport for when. */
  laser: LaserReport;
}

export type BenchEventName = keyof BenchEvents;
export type BenchEventListener<E extends BenchEventName> = (payload: BenchEvents[E]) => void;

/** Subscribing to pushed events; returns the unsubscribe function. */
export interface BenchEventSource {
  on<E extends BenchEventName>(event: E, listener: BenchEventListener<E>): () => void;
}

/** What the renderer sees as `window.bench`, in Electron (preload) and in the browser (WebSocket client). */
export type BenchBridge = BenchApi & BenchEventSource;

/** The channel names, in one list, for the IPC handlers, the preload and the bridge (kept in step by type). */
export const BENCH_CHANNELS = [
  'openBench', 'closeBench', 'benchStatus', 'makeSafe',
  'laserState', 'setLaser', 'readMeter', 'setMeter', 'monitorState', 'setMonitor',
  'stageState', 'jogStage', 'moveStage', 'stopStage', 'voaState', 'setVoa',
  'bertState', 'setBert', 'startBertGate', 'stopBertGate',
  'scpi',
  'listSequences', 'loadSequence', 'startRun', 'pauseRun', 'resumeRun', 'abortRun', 'runState', 'runEvents',
  'listRuns', 'openRun', 'exportRunCsv', 'searchRuns', 'runTrend', 'lotYield', 'indexInfo',
] as const satisfies readonly BenchChannel[];

export const BENCH_EVENTS = ['run', 'runState', 'monitor', 'bench', 'stage', 'laser'] as const satisfies readonly BenchEventName[];

// Both lists name every channel and event: a missing one fails here.
type AllListed<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const _allChannels: AllListed<BenchChannel, (typeof BENCH_CHANNELS)[number]> = true;
const _allEvents: AllListed<BenchEventName, (typeof BENCH_EVENTS)[number]> = true;
