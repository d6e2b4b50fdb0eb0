// The one physical tunable laser of the bench. The Keysight and Santec front ends both command it (a
// bench uses one front end at a time). True wavelength = set + a seeded offset of a few pm; true power =
// set + a seeded offset ≤ 0.1 dB. A wavelength change takes 10–50 ms to settle. An interlock trip
// switches the output off and keeps it off until the interlock is reset and the output switched on.
// Settings live on a Timeline, so the light at any past bench time is still known.
//
// A sweep moves the laser to its start wavelength (preparation), sweeps (sweep.ts, with the run-out after
// a continuous one), then moves back to the start wavelength and stays there: its static wavelength is
// the start wavelength from then on, until set again. That is the 816x/N777x sweep cycle ("start moving
// back" at the end of each cycle, 8164B guide, WAV:SWE:FLAG?), and what a TSL does at a sweep's end.
import { dbmToW } from '../../models/units.ts';
import { scheduleSweep, sweepWavelengthAt_nm } from './sweep.ts';
import type { SweepPlan, SweepSchedule } from './sweep.ts';
import { Timeline } from './timeline.ts';
import type { TriggerLine } from './trigger-line.ts';

export const LASER_WAVELENGTH_RANGE_NM = [1480, 1640] as const;

export class LaserInterlockError extends Error {
  constructor(action: string) {
    super(`laser interlock is open: cannot ${action}; reset the interlock, then switch the output on`);
    this.name = 'LaserInterlockError';
  }
}

export interface LaserTruthOffsets {
  wavelengthOffset_pm: number;
  powerOffset_dB: number;
}

export type SweepState = 'idle' | 'preparing' | 'waiting-trigger' | 'running';

interface ActiveSweep {
  readonly plan: SweepPlan;
  /** Preparation done (moved to the start wavelength): the sweep flag turns odd here. */
  readonly ready_s: number;
  /** Set when the motion starts (at ready_s, or at the software trigger). */
  schedule: SweepSchedule | null;
  /** Stopped early (command, output off or interlock). */
  stopped_s: number | null;
  readonly llog: boolean;
  /** Which front end asked for the lambda log (each reads only its own). */
  readonly logOwner: string;
  logged: boolean;
}

interface LaserState {
  readonly wavelength_nm: number;
  readonly prevWavelength_nm: number;
  readonly changed_s: number;
  readonly settle_s: number;
  readonly power_dBm: number;
  readonly on: boolean;
  readonly tripped: boolean;
  readonly sweep: ActiveSweep | null;
  /** Flag count of the sweeps before `sweep`. */
  readonly flagBase: number;
}

/** Time to prepare a sweep: settling plus slewing to the start wavelength at 100 nm/s. */
const PREP_BASE_S = 0.05;
const PREP_SLEW_NM_S = 100;
/** Spread of the lambda-logging readings around the nominal step wavelengths, nm (0.1 pm). */
const LLOG_JITTER_NM = 1e-4;
/** Options of startSweep. */
export interface SweepStartOptions {
  llog: boolean;
  waitForSoftTrigger: boolean;
  /** Tags the lambda log with the front end that asked for it (default 'laser'). */
  logOwner?: string;
}

export class LaserSource {
  private readonly state = new Timeline<LaserState>({
    wavelength_nm: 1550,
    prevWavelength_nm: 1550,
    changed_s: -Infinity,
    settle_s: 0,
    power_dBm: 0,
    on: false,
    tripped: false,
    sweep: null,
    flagBase: 0,
  });
  private lastLog: { owner: string; values: Float64Array } | null = null;
  private readonly tripListeners: ((t_s: number) => void)[] = [];

  constructor(
    private readonly offsets: LaserTruthOffsets,
    private readonly triggers: TriggerLine,
    private readonly jitter: () => number,
  ) {}

  get outputOn(): boolean {
    return this.state.current.on;
  }
  get interlockTripped(): boolean {
    return this.state.current.tripped;
  }
  get wavelengthSetting_nm(): number {
    return this.state.current.wavelength_nm;
  }
  get powerSetting_dBm(): number {
    return this.state.current.power_dBm;
  }

  /** Sets the CW wavelength (aborting a sweep); returns the bench time at which it has settled. */
  setWavelength(wavelength_nm: number, t_s: number): number {
    this.stopSweep(t_s);
    const s = this.state.current;
    const from = nominalWavelength_nm(s, t_s);
    const settle_s = Math.min(0.05, 0.01 + 0.001 * Math.abs(wavelength_nm - from));
    this.state.set(t_s, { ...s, wavelength_nm, prevWavelength_nm: from, changed_s: t_s, settle_s });
    return t_s + settle_s;
  }

  setPower(power_dBm: number, t_s: number): void {
    this.state.update(t_s, (s) => ({ ...s, power_dBm }));
  }

  setOutput(on: boolean, t_s: number): void {
    if (on && this.state.current.tripped) throw new LaserInterlockError('switch the output on');
    if (!on) this.stopSweep(t_s);
    this.state.update(t_s, (s) => ({ ...s, on }));
  }

  /** Fault: the interlock opens; the output goes off at once and a sweep aborts. */
  tripInterlock(t_s: number): void {
    this.stopSweep(t_s);
    this.state.update(t_s, (s) => ({ ...s, on: false, tripped: true }));
    for (const l of this.tripListeners) l(t_s);
  }

  /** The interlock closes again; the output stays off until switched on. */
  resetInterlock(t_s: number): void {
    this.state.update(t_s, (s) => ({ ...s, tripped: false }));
  }

  onInterlockTrip(listener: (t_s: number) => void): void {
    this.tripListeners.push(listener);
  }

  /** True wavelength of the light at bench time t, nm (whether or not the output is on). */
  wavelengthAt_nm(t_s: number): number {
    return nominalWavelength_nm(this.state.at(t_s), t_s) + this.offsets.wavelengthOffset_pm * 1e-3;
  }

  /** Optical output power at bench time t, W (0 when off or tripped). */
  powerAt_W(t_s: number): number {
    const s = this.state.at(t_s);
    if (!s.on || s.tripped) return 0;
    return dbmToW(s.power_dBm + this.offsets.powerOffset_dB);
  }

  /**
   * The laser's own output monitor, calibrated against the same reference as the setting (so it does
   * not see the true power offset), dBm; −Infinity when no light is emitted.
   */
  monitoredPower_dBm(t_s: number): number {
    return this.powerAt_W(t_s) > 0 ? this.state.at(t_s).power_dBm : -Infinity;
  }

  /** Bench time the static wavelength has settled (after a sweep: once the laser is back at its start). */
  settledAt_s(): number {
    const s = this.state.current;
    const back = pendingReturn(s);
    return Math.max(s.changed_s + s.settle_s, back ? back.end_s : -Infinity);
  }

  /**
   * Arms a sweep at t: it prepares (moves to the start wavelength), then starts at once or, with
   * `waitForSoftTrigger`, at `softTrigger`. Aborts a sweep in progress.
   */
  startSweep(plan: SweepPlan, t_s: number, opts: SweepStartOptions): void {
    if (this.state.current.tripped) throw new LaserInterlockError('start a sweep');
    this.stopSweep(t_s);
    this.finalise(t_s);
    const flagBase = this.sweepFlag(t_s);
    const from = nominalWavelength_nm(this.state.current, t_s);
    const prep_s = PREP_BASE_S + Math.abs(from - plan.start_nm) / PREP_SLEW_NM_S;
    const sweep: ActiveSweep = {
      plan, ready_s: t_s + prep_s, schedule: null, stopped_s: null, llog: opts.llog, logOwner: opts.logOwner ?? 'laser', logged: false,
    };
    // Preparation is the move to the start wavelength, which is also where the laser rests after the sweep.
    this.state.update(t_s, (s) => ({ ...s, sweep, flagBase, wavelength_nm: plan.start_nm, prevWavelength_nm: from, changed_s: t_s, settle_s: prep_s }));
    if (!opts.waitForSoftTrigger) this.beginMotion(sweep, sweep.ready_s);
  }

  /** Software trigger: starts an armed sweep that waits for one; false when there is none. */
  softTrigger(t_s: number): boolean {
    const sw = this.state.current.sweep;
    if (!sw || sw.schedule || sw.stopped_s !== null) return false;
    this.beginMotion(sw, Math.max(t_s, sw.ready_s));
    return true;
  }

  /** Stops a sweep early (no effect when none is in progress at t). */
  stopSweep(t_s: number): void {
    const sw = this.state.current.sweep;
    if (!sw || t_s >= sweepEnd(sw)) return;
    sw.stopped_s = t_s;
    this.triggers.cut(t_s);
  }

  sweepState(t_s: number): SweepState {
    const sw = this.state.at(t_s).sweep;
    if (!sw || t_s >= sweepEnd(sw)) return 'idle';
    if (t_s < sw.ready_s) return 'preparing';
    return sw.schedule ? 'running' : 'waiting-trigger';
  }

  /** Bench time at which the current sweep is (or was) over; null while it waits for a software trigger. */
  sweepDoneAt_s(t_s: number): number | null {
    const sw = this.state.current.sweep;
    if (!sw) return t_s;
    const end = sweepEnd(sw);
    return end === Infinity ? null : end;
  }

  /** The Keysight sweep flag: +1 when a sweep has prepared (armed or running), +1 when it ends. */
  sweepFlag(t_s: number): number {
    const s = this.state.at(t_s);
    const sw = s.sweep;
    if (!sw) return s.flagBase;
    const readied = t_s >= sw.ready_s && (sw.stopped_s === null || sw.stopped_s >= sw.ready_s);
    if (!readied) return s.flagBase;
    return s.flagBase + (t_s >= sweepEnd(sw) ? 2 : 1);
  }

  /** The next time the sweep flag changes after t (for fast-mode polling), or null. */
  nextFlagEvent_s(t_s: number): number | null {
    const sw = this.state.current.sweep;
    if (!sw || t_s >= sweepEnd(sw)) return null;
    if (t_s < sw.ready_s) return sw.ready_s;
    return sw.schedule ? sweepEnd(sw) : null;
  }

  /**
   * Wavelengths (nm) logged at each step of the last completed sweep with lambda logging, or null; with
   * `owner`, only a log that front end asked for.
   */
  lambdaLog(t_s: number, owner?: string): Float64Array | null {
    this.finalise(t_s);
    if (!this.lastLog || (owner !== undefined && this.lastLog.owner !== owner)) return null;
    return this.lastLog.values;
  }

  private beginMotion(sw: ActiveSweep, start_s: number): void {
    sw.schedule = scheduleSweep(sw.plan, start_s);
    if (sw.plan.trigger !== 'none') this.triggers.post(sw.schedule.triggerTimes_s);
  }

  /** Commits the lambda log of a sweep that completed by t (once). */
  private finalise(t_s: number): void {
    const sw = this.state.current.sweep;
    if (!sw || !sw.schedule || t_s < sweepEnd(sw) || sw.logged) return;
    sw.logged = true;
    if (!sw.llog || sw.stopped_s !== null) return;
    const wl = sw.schedule.stepWavelengths_nm;
    const log = new Float64Array(wl.length);
    for (let i = 0; i < wl.length; i++) log[i] = (wl[i] as number) + LLOG_JITTER_NM * this.jitter();
    this.lastLog = { owner: sw.logOwner, values: log };
  }
}

function sweepEnd(sw: ActiveSweep): number {
  const end = sw.schedule ? sw.schedule.end_s : Infinity;
  return sw.stopped_s === null ? end : Math.min(end, sw.stopped_s);
}

/** The CW wavelength at t, ramping from the previous setting while it settles. */
function cwWavelength_nm(s: LaserState, t_s: number): number {
  if (t_s >= s.changed_s + s.settle_s) return s.wavelength_nm;
  const f = Math.max(0, (t_s - s.changed_s) / s.settle_s);
  return s.prevWavelength_nm + (s.wavelength_nm - s.prevWavelength_nm) * f;
}

/**
 * The way back to the start wavelength after a sweep's motion ended (completed or stopped), or null when
 * the sweep never moved or has not ended: the laser settles where the motion ended for PREP_BASE_S (so a
 * meter sample triggered at the last step still sees the end of the sweep), then slews back.
 */
function returnLeg(sw: ActiveSweep): { from_nm: number; start_s: number; moving_s: number; end_s: number } | null {
  const end = sweepEnd(sw);
  if (!sw.schedule || end === Infinity || end < sw.schedule.start_s) return null;
  const from_nm = sweepWavelengthAt_nm(sw.plan, sw.schedule.start_s, end);
  const moving_s = end + PREP_BASE_S;
  return { from_nm, start_s: end, moving_s, end_s: moving_s + Math.abs(from_nm - sw.plan.start_nm) / PREP_SLEW_NM_S };
}

/** The sweep's way back, unless a wavelength set since the sweep ended has replaced it. */
function pendingReturn(s: LaserState): ReturnType<typeof returnLeg> {
  const back = s.sweep ? returnLeg(s.sweep) : null;
  return back && s.changed_s < back.start_s ? back : null;
}

/** Where the laser is tuned at t (nominal: without its true offset): sweeping, on its way back, or static. */
function nominalWavelength_nm(s: LaserState, t_s: number): number {
  const sw = s.sweep;
  if (sw?.schedule && t_s >= sw.schedule.start_s && t_s <= sweepEnd(sw)) return sweepWavelengthAt_nm(sw.plan, sw.schedule.start_s, t_s);
  const back = pendingReturn(s);
  if (back && t_s >= back.start_s && t_s < back.end_s) {
    const f = Math.max(0, (t_s - back.moving_s) / (back.end_s - back.moving_s));
    return back.from_nm + (s.wavelength_nm - back.from_nm) * f;
  }
  return cwWavelength_nm(s, t_s);
}
