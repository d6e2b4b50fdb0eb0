// Fly lines of a fiber-array alignment: one pose axis moved while the multiport meter logs every listed
// channel, all ports started together by the hexapod's trigger output at motion start (CTO InMotion
// into the meter's trigger input, CME), and each sample placed where the platform really was: the
// controller's data recorder takes the axis's actual position on its own clock from the same motion
// start (DRC/DRR?). No host clock places a sample, and no acceleration has to be known: the recorder's
// trace is the motion. Logs are sized from the line's duration, learnt from the recorder's traces.
import type { Hexapod, PoseAxisName, PoseValues, RecordedLine } from '../../../drivers/roles/hexapod.ts';
import type { MultiPortLogger } from '../../../drivers/roles/multiport-logging.ts';
import type { ArrayRig, ArraySample } from './array-rig.ts';
import { WaitTimeoutError } from '../../../drivers/properties/wait.ts';
import { FlyTriggerError } from './errors.ts';

/** An axis this close to its target has arrived (µm, or ° for U V W). */
const ARRIVED = 1e-3;

export interface FlyLine {
  axis: PoseAxisName;
  from: number;
  to: number;
  /** One per logged sample, in time order, with the mean position over its window; powers in the rig's channel order. */
  samples: ArraySample[];
}

/** What a rig needs to fly: the hardware link between the hexapod and the meter. */
export interface FlyLink {
  hexapod: Hexapod;
  meter: MultiPortLogger;
  /** Averaging time of each logged sample, s. */
  sampleTime_s: number;
}

/** Mean of the recorder's piecewise-linear trace over [t0, t1] (s from motion start). */
export function meanRecorded(rec: RecordedLine, t0_s: number, t1_s: number): number {
  const v = rec.values;
  const dt = rec.sampleTime_s;
  const at = (t: number): number => {
    const x = t / dt;
    if (x <= 0) return v[0] as number;
    const i = Math.floor(x);
    if (i >= v.length - 1) return v[v.length - 1] as number;
    const f = x - i;
    return (v[i] as number) * (1 - f) + (v[i + 1] as number) * f;
  };
  const n = 4;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += at(t0_s + ((k + 0.5) / n) * (t1_s - t0_s));
  return sum / n;
}

/** Time the trace first comes within ARRIVED of `to`, s (the move's duration as the controller ran it). */
export function arrivalTime_s(rec: RecordedLine, to: number): number | null {
  const i = rec.values.findIndex((x) => Math.abs(x - to) <= ARRIVED);
  return i < 0 ? null : i * rec.sampleTime_s;
}

/**
 * Least margin a line's log is sized with over its predicted duration. Why 2 %, not more: every duration
 * learnt is the recorder's own trace of the platform (to its sample time), and whatever a line overran
 * that margin by is added to every later prediction (`excess`); a log that still ended before the platform
 * arrived puts the margin back to 10 % for the rest of the run (`missed`).
 */
export const MIN_LOG_MARGIN = 0.02;
const MISSED_LOG_MARGIN = 0.1;

/**
 * Duration of a move of `distance` from what earlier lines showed: a hexapod move is a triangle when short
 * (t = 2·√(d/a)) and cruises when long (t = d/v + v/a). Every (distance, duration) seen bounds the path
 * acceleration from below (4d/t², exact for a triangle); a move longer than the triangle predicts shows
 * the cruise velocity. Before any line: unknown (null), and the line waits for the motion instead.
 */
export class MoveTimes {
  private accel: number | null = null;
  private velocity: number | null = null;
  private readonly seen: { d: number; t: number }[] = [];
  private margin = MIN_LOG_MARGIN;
  /** The most a move outlasted its margined prediction, s. */
  private excess_s = 0;

  learn(distance: number, duration_s: number): void {
    if (!(distance > 0 && duration_s > 0)) return;
    const before = this.model_s(distance);
    if (before !== null) this.excess_s = Math.max(this.excess_s, duration_s - before * (1 + this.margin));
    this.seen.push({ d: distance, t: duration_s });
    this.accel = Math.max(...this.seen.map((o) => (4 * o.d) / (o.t * o.t)));
    const a = this.accel;
    const cruising = this.seen.filter((o) => o.t > 1.1 * 2 * Math.sqrt(o.d / a));
    // t = d/v + v/a  →  v = a·(t − √(t² − 4d/a))/2 (the smaller root: the cruise velocity).
    const vs = cruising.map((o) => (a * (o.t - Math.sqrt(Math.max(0, o.t * o.t - (4 * o.d) / a)))) / 2).filter((v) => v > 0);
    this.velocity = vs.length > 0 ? Math.min(...vs) : null;
  }

  /** A log sized from a prediction ended before the platform arrived. */
  missed(): void {
    this.margin = Math.max(this.margin, MISSED_LOG_MARGIN);
  }

  predict_s(distance: number): number | null {
    const t = this.model_s(distance);
    return t === null ? null : t * (1 + this.margin) + this.excess_s + 1e-3;
  }

  private model_s(distance: number): number | null {
    const a = this.accel;
    if (a === null) return null;
    const v = this.velocity;
    return v !== null && distance > (v * v) / a ? distance / v + v / a : 2 * Math.sqrt(distance / a);
  }
}

/**
 * A move whose duration teaches `times` before any line has (the first line's log is then sized, not
 * left running and stopped: a stop costs more exchanges than the recorder's read). The recorder follows
 * `axis` through the move (it restarts with each move), the trigger output is set for it meanwhile.
 */
export async function timedMove(rig: ArrayRig, link: FlyLink, times: MoveTimes, axis: PoseAxisName, target: Partial<PoseValues>): Promise<void> {
  const here = await rig.here();
  const to = target[axis];
  await link.hexapod.recordAxis(axis);
  const t0 = rig.ctx.now_s();
  await rig.goTo(target, { wait: false });
  await link.hexapod.armMotionStartTrigger(axis);
  await link.hexapod.waitForMotion({ timeout_s: 30 });
  if (to === undefined || Math.abs(to - here[axis]) < 1e-9) return;
  // The move lasted no longer than the wait for it: only that much of the trace is read.
  const points = Math.ceil((rig.ctx.now_s() - t0) / 1e-4) + 2;
  // The path's length: the coordinated move's larger of its translation and its rotation (m° as µm).
  const d = (axes: string): number => Math.hypot(...[...axes].map((a) => ((target[a as PoseAxisName] ?? here[a as PoseAxisName]) - here[a as PoseAxisName]) * ('XYZ'.includes(a) ? 1 : 1000)));
  const distance = Math.max(d('XYZ'), d('UVW'));
  const rec = await link.hexapod.recordedLine(axis, points);
  const arrived = arrivalTime_s(rec, to);
  if (arrived !== null) times.learn(distance, arrived);
}

/** The first line's log: long enough for any line a search flies (it is stopped once the platform is on target). */
const UNKNOWN_LOG_S = 2;

/**
 * Flies `axis` from where the rig stands (or is still moving to: the move to the line's start need not
 * have been waited for, but must have been commanded: see the meter's arming below) to `to`, logging
 * `channels` (indices into rig.channels). `next`, when given, commands the move after this line once its
 * recorder trace is read (the recorder restarts with each move) and before its logs are fetched, so the
 * fetch's exchange runs while the platform moves: the meter stored its samples at their own time. That
 * move must not depend on what this line measured.
 */
export async function flyLine(rig: ArrayRig, link: FlyLink, times: MoveTimes, axis: PoseAxisName, to: number, phase: string, channels?: readonly number[],
  next?: () => Promise<void>): Promise<FlyLine> {
  const here = await rig.here();
  const from = here[axis];
  if (Math.abs(to - from) < 1e-9) return { axis, from, to, samples: [] };
  await rig.checkBudget(phase);
  const scale = 'XYZ'.includes(axis) ? 1 : 1000;
  const distance = Math.abs(to - from) * scale;
  const tau = link.sampleTime_s;
  const predicted = times.predict_s(distance);
  const duration = predicted ?? UNKNOWN_LOG_S;
  const samples = Math.max(2, Math.ceil(duration / tau));
  const picked = channels ?? rig.channels.map((_, i) => i);
  const ports = picked.map((i) => rig.channels[i] as number);
  const fly = async (): Promise<number[][] | null> => {
    // The output, the recorder and the meter are all set while the move to the line's start may still
    // run (the controller takes commands while it moves; the caller need not wait for it), so none of
    // their exchanges stands between the platform's arrival and the line. The meter is armed only after
    // the output is set for this line (an output set to follow a moving axis may rise at once: that edge
    // has gone out by the time the controller has answered) and after the move to the start was
    // commanded (its edge went out then): an InMotion output stays high through that move and its
    // settling, so the first rising edge the meter can see is the line's own, commanded once on target.
    await link.hexapod.armMotionStartTrigger(axis);
    await link.hexapod.recordAxis(axis);
    await link.meter.startLoggingAll({ channels: ports, samples, averagingTime_s: tau, trigger: 'continuous' });
    rig.loggingStarted(ports);
    // The line's end asked ahead: its move then goes out with no reachability query of its own.
    await link.hexapod.isReachable({ [axis]: to });
    await link.hexapod.waitForMotion({ timeout_s: 30 });
    await rig.goTo({ [axis]: to }, { wait: false });
    if (predicted === null) {
      // Duration unknown: wait for the platform, then stop the logs (samples taken so far are kept; none
      // at all after a move that ran: the log never started, no pulse).
      await link.hexapod.waitForMotion({ timeout_s: 30 });
      await link.meter.stopLoggingAll(ports);
      const logs = await link.meter.fetchLogs_W(ports);
      return logs.some((l) => l.length === 0) ? null : logs;
    }
    try {
      await link.meter.waitLoggingAll(ports, 2 + 4 * duration + samples * tau * 2);
    } catch (err) {
      if (err instanceof WaitTimeoutError) return null;
      throw err;
    }
    return [];
  };
  let logs = await fly();
  if (logs === null) {
    // A fault between arming and motion (a configuration command held by a stall and carried out late, a
    // controller restarted, the output switched off behind the driver) loses the pulse: the line is
    // re-armed in full and flown once more from its start. A second silence is a cabling or configuration
    // fault, and the step fails saying so.
    await link.meter.stopLoggingAll(ports).catch(() => undefined);
    link.hexapod.forgetArming();
    rig.noteReflown(`a fly line of ${axis} (${phase}) got no trigger pulse; re-armed the trigger and flew the line again`);
    await link.hexapod.waitForMotion({ timeout_s: 2 + 4 * duration });
    await rig.goTo({ [axis]: from }, { wait: false });
    logs = await fly();
    if (logs === null) {
      await link.meter.stopLoggingAll(ports).catch(() => undefined);
      throw new FlyTriggerError(link.hexapod.triggerOutput ?? 0, new Error(`the ${axis} line's log got no pulse twice (the second after re-arming in full)`));
    }
  }
  const rec = await link.hexapod.recordedLine(axis, Math.ceil((samples * tau) / 1e-4) + 2);
  const arrived = arrivalTime_s(rec, to);
  if (arrived === null) {
    // The log (sized from the prediction) ended before the platform arrived: later logs get more margin.
    if (predicted !== null) times.missed();
    await link.hexapod.waitForMotion({ timeout_s: 2 + 4 * duration });
  } else times.learn(distance, arrived);
  if (next) await next();
  if (logs.length === 0) logs = await link.meter.fetchLogs_W(ports);
  const out: ArraySample[] = [];
  const n = Math.min(...logs.map((l) => l.length));
  for (let k = 0; k < n; k++) {
    const pose = { ...here, [axis]: meanRecorded(rec, k * tau, (k + 1) * tau) };
    const powers_dBm = rig.channels.map((_, i) => {
      const j = picked.indexOf(i);
      if (j < 0) return Number.NaN;
      const w = (logs[j] as number[])[k] as number;
      return w > 0 ? 10 * Math.log10(w) + 30 : -Infinity;
    });
    out.push({ pose, powers_dBm });
  }
  rig.readings += n;
  await rig.record(out, phase);
  return { axis, from, to, samples: out };
}
