// The open bench of the service: opening a bench file or the in-process simulator, closing it safely,
// which run owns it, and each instrument's state and last error (what the Bench view shows). Every manual
// instrument call goes through call(), so a failure is recorded against the role that failed.
import { DEFAULT_SAFE_DEADLINE_S, insistSafe } from '../drivers/bench/safe-insist.ts';
import { resolve } from 'node:path';
import { openRunBench, type BenchChoice, type OpenedBench } from '../sequences/runner.ts';
import type { Bench, BenchInstrument } from '../drivers/bench/index.ts';
import type { RoleKind } from '../drivers/driver.ts';
import { InstrumentError, LinkLostError } from '../drivers/errors.ts';
import type { TunableLaser } from '../drivers/roles/tunable-laser.ts';
import type { PowerMeter } from '../drivers/roles/power-meter.ts';
import type { Attenuator } from '../drivers/roles/attenuator.ts';
import type { Stage } from '../drivers/roles/stage.ts';
import type { VirtualBench } from '../sim/virtual-bench.ts';
import type { BenchSource, BenchStatus, InstrumentErrorInfo, InstrumentState, InstrumentStatus, OpenBenchRequest } from './bench-types.ts';
import { BenchBusyError, BenchNotOpenError, ServiceRoleError } from './errors.ts';
import type { BenchEventHub } from './event-hub.ts';

interface OpenBench {
  bench: Bench;
  sim: VirtualBench | null;
  /** The bench with its clock, as runs take it (sequences/runner.ts). */
  opened: OpenedBench;
  source: BenchSource;
  opened_ms: number;
  unwatch: (() => void)[];
}

interface RoleHealth {
  state: InstrumentState;
  lastError: InstrumentErrorInfo | null;
}

export interface BenchHolderOptions {
  /** Relative bench file paths resolve against this (default: the process's working directory). */
  cwd?: string;
  /** Per-instrument limit for one try of safe() on close (default 10 s). */
  safeTimeout_s?: number;
  /** On close, a role that fails its safe state is tried again until this long has passed (default 60 s). */
  safeDeadline_s?: number;
  /** While closing keeps trying: `making safe… (laser not confirmed off)`. */
  onSafeProgress?: (message: string) => void;
}

export class BenchHolder {
  private current: OpenBench | null = null;
  private readonly health = new Map<string, RoleHealth>();
  private ownerRunId: string | null = null;
  private turn: Promise<void> = Promise.resolve();
  private readonly hub: BenchEventHub;
  private readonly opts: BenchHolderOptions;

  constructor(hub: BenchEventHub, opts: BenchHolderOptions = {}) {
    this.hub = hub;
    this.opts = opts;
  }

  get isOpen(): boolean {
    return this.current !== null;
  }

  get owner(): string | null {
    return this.ownerRunId;
  }

  get simulator(): VirtualBench | null {
    return this.current?.sim ?? null;
  }

  get source(): BenchSource | null {
    return this.current?.source ?? null;
  }

  /** A run takes the bench (null gives it back); manual control and the monitor wait meanwhile. */
  setOwner(runId: string | null): void {
    this.ownerRunId = runId;
    this.emitStatus();
  }

  /** Opening and closing take turns: two windows (or a window and the menu) asking at once get one bench. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn, fn);
    this.turn = next.then(() => undefined, () => undefined);
    return next;
  }

  open(req: OpenBenchRequest): Promise<BenchStatus> {
    return this.serial(() => this.openNow(req));
  }

  close(): Promise<{ ok: boolean; message: string }> {
    return this.serial(() => this.closeNow());
  }

  private async openNow(req: OpenBenchRequest): Promise<BenchStatus> {
    if (this.ownerRunId) throw new BenchBusyError('openBench', this.ownerRunId);
    await this.closeNow();
    const choice: BenchChoice = req.kind === 'sim'
      ? { sim: true, seed: req.seed ?? 1, realtime: req.realtime ?? false, ...(req.world === 'wafer' ? { world: 'wafer' as const } : {}) }
      : { sim: false, file: resolve(this.opts.cwd ?? process.cwd(), req.path) };
    const opened = await openRunBench(choice);
    const { bench } = opened;
    const source: BenchSource = choice.sim
      ? { kind: 'sim', seed: choice.seed, realtime: choice.realtime, ...(choice.world ? { world: choice.world } : {}) }
      : { kind: 'file', path: choice.file };
    this.health.clear();
    for (const role of bench.roles) this.health.set(role, { state: 'ok', lastError: null });
    this.current = { bench, sim: opened.sim ?? null, opened, source, opened_ms: performance.now(), unwatch: this.watchLinks(bench) };
    this.emitStatus();
    return this.status();
  }

  /** Makes the bench safe, then closes it. A no-op with no bench open. */
  private async closeNow(): Promise<{ ok: boolean; message: string }> {
    if (this.ownerRunId) throw new BenchBusyError('closeBench', this.ownerRunId);
    const cur = this.current;
    if (!cur) return { ok: true, message: 'no bench open' };
    this.current = null;
    for (const off of cur.unwatch) off();
    const report = await insistSafe(cur.bench, {
      timeout_s: this.opts.safeTimeout_s ?? 10, deadline_s: this.opts.safeDeadline_s ?? DEFAULT_SAFE_DEADLINE_S,
      onProgress: ({ pending, message }) => {
        if (pending.length > 0) this.opts.onSafeProgress?.(message);
      },
    });
    await cur.bench.close();
    this.health.clear();
    this.emitStatus();
    return { ok: report.ok, message: report.message };
  }

  /** Every instrument to its safe state now; allowed during a run (it is what an emergency stop does). */
  async safe(): Promise<{ ok: boolean; message: string }> {
    const bench = this.require('makeSafe');
    const report = await bench.safe({ timeout_s: this.opts.safeTimeout_s ?? 10 });
    for (const f of report.failures) this.recordError(f.role, 'makeSafe', f.error ?? new Error('safe state failed'));
    return { ok: report.ok, message: report.message };
  }

  require(operation: string): Bench {
    if (!this.current) throw new BenchNotOpenError(operation);
    return this.current.bench;
  }

  /** The open bench with its clock (null with none open). */
  get opened(): OpenedBench | null {
    return this.current?.opened ?? null;
  }

  /** The open bench with its clock, for a run to take: open and not owned by another run. */
  forRun(operation: string): OpenedBench {
    this.requireIdle(operation);
    return (this.current as OpenBench).opened;
  }

  /** The bench for a manual call: open and not owned by a run. */
  requireIdle(operation: string): Bench {
    const bench = this.require(operation);
    if (this.ownerRunId) throw new BenchBusyError(operation, this.ownerRunId);
    return bench;
  }

  /** The role to use for `kind`: the one asked for (checked), else the one named like the kind, else the first of that kind. */
  roleOf(bench: Bench, kind: RoleKind, role: string | undefined, operation: string): BenchInstrument {
    if (role !== undefined) {
      if (!bench.has(role)) throw new ServiceRoleError(`${operation}: the bench has no role '${role}'; it has ${bench.roles.join(', ')}`);
      const inst = bench.instrument(role);
      if (inst.kind !== kind) throw new ServiceRoleError(`${operation}: role '${role}' is a ${inst.kind} (${inst.driverName}), not a ${kind}`);
      return inst;
    }
    const found = bench.has(kind) && bench.instrument(kind).kind === kind ? bench.instrument(kind) : bench.instruments().find((i) => i.kind === kind);
    if (!found) throw new ServiceRoleError(`${operation}: the bench '${bench.name}' has no ${kind}; its roles are ${bench.roles.join(', ')}`);
    return found;
  }

  laser(role: string | undefined, op: string): BenchInstrument & { driver: TunableLaser } {
    return this.roleOf(this.requireIdle(op), 'laser', role, op) as BenchInstrument & { driver: TunableLaser };
  }

  meter(role: string | undefined, op: string): BenchInstrument & { driver: PowerMeter } {
    return this.roleOf(this.requireIdle(op), 'meter', role, op) as BenchInstrument & { driver: PowerMeter };
  }

  stage(role: string | undefined, op: string): BenchInstrument & { driver: Stage } {
    return this.roleOf(this.requireIdle(op), 'stage', role, op) as BenchInstrument & { driver: Stage };
  }

  voa(role: string | undefined, op: string): BenchInstrument & { driver: Attenuator } {
    return this.roleOf(this.requireIdle(op), 'voa', role, op) as BenchInstrument & { driver: Attenuator };
  }

  /**
   * Runs one manual operation on a role's instrument, recording success or the error against the role.
   * A session lost since the last call is reopened first, once: manual control is how a technician
   * checks that a replugged cable works again.
   */
  async call<T>(inst: BenchInstrument, operation: string, fn: () => Promise<T>): Promise<T> {
    const session = inst.driver.session;
    try {
      if (!session.isOpen) await session.reopen();
      const value = await fn();
      this.recordOk(inst.role);
      return value;
    } catch (err) {
      this.recordError(inst.role, operation, err);
      throw err;
    }
  }

  benchTime_s(): number {
    const cur = this.current;
    if (!cur) return 0;
    return cur.sim ? cur.sim.benchTime_s() : (performance.now() - cur.opened_ms) / 1000;
  }

  status(): BenchStatus {
    const cur = this.current;
    if (!cur) return { open: false, name: null, source: null, instruments: [], runId: this.ownerRunId, benchTime_s: 0 };
    return {
      open: true,
      name: cur.bench.name,
      source: cur.source,
      instruments: cur.bench.instruments().map((i) => this.instrumentStatus(i)),
      runId: this.ownerRunId,
      benchTime_s: this.benchTime_s(),
    };
  }

  recordOk(role: string): void {
    const h = this.health.get(role);
    if (!h || h.state === 'ok') return;
    h.state = 'ok';
    this.emitStatus();
  }

  recordError(role: string, operation: string, err: unknown): void {
    const h = this.health.get(role);
    if (!h) return;
    const e = err instanceof Error ? err : new Error(String(err));
    h.state = e instanceof LinkLostError ? 'lost' : 'error';
    h.lastError = {
      time: new Date().toISOString(),
      operation,
      name: e.name,
      message: e.message,
      code: e instanceof InstrumentError ? e.code : null,
    };
    this.emitStatus();
  }

  private instrumentStatus(i: BenchInstrument): InstrumentStatus {
    const h = this.health.get(i.role) ?? { state: 'ok', lastError: null };
    const s: InstrumentStatus = {
      role: i.role, kind: i.kind, driver: i.driverName, resource: i.resource, identity: i.identity, detected: i.detected,
      state: h.state, lastError: h.lastError,
    };
    if (i.kind === 'laser') {
      const l = (i.driver as TunableLaser).limits;
      s.limits = { wavelength_nm: { ...l.wavelength_nm }, power_dBm: { ...l.power_dBm }, speed_nm_s: { ...l.speed_nm_s } };
    } else if (i.kind === 'meter') {
      s.channels = [...(i.driver as PowerMeter).channels];
    } else if (i.kind === 'stage') {
      const st = i.driver as Stage;
      s.axes = st.axes.map((axis) => ({ axis, ...st.softLimits(axis) }));
    } else if (i.kind === 'voa') {
      s.hasPowerControl = (i.driver as Attenuator).hasPowerControl;
    }
    return s;
  }

  private watchLinks(bench: Bench): (() => void)[] {
    return bench.instruments().map((i) => {
      const onLost = (err: LinkLostError): void => this.recordError(i.role, 'link', err);
      i.driver.session.on('lost', onLost);
      return () => void i.driver.session.off('lost', onLost);
    });
  }

  private emitStatus(): void {
    this.hub.emit('bench', this.status());
  }
}
