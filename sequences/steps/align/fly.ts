// Fly segments: both axes sent to a point at once while the meter logs free-running, each sample placed
// at its window's mean position on each axis's trapezoid (trajectory.ts). A segment along one axis is a
// scan line; one that moves both axes (a transition) is logged too, and its samples count like any other.
// Timing: the log and the move start when the meter and the controller execute their commands, one
// error-query exchange (timed by the rig) before each confirmation returns. No waiting for the
// controller's settling: the log is sized to outlast the longer move, and once it is complete the
// encoders confirm arrival; an axis short of its target is waited for, so a stall surfaces as the
// stage's MotionTimeoutError naming it. A log cannot finish in less time than it logs: if the step's
// clock says it did, that clock is not the instruments' (a simulator on its own virtual clock driven from
// a bench file, whose step clock is wall time) and no sample can be placed; FlyTimingError says so.
import { WaitTimeoutError } from '../../../drivers/properties/wait.ts';
import { FlyTimingError, FlyTriggerError } from './errors.ts';
import type { LineSample } from './line-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';
import { ARRIVED_UM, motionTimeout_s } from './rig.ts';
import { logSamplePositions_um, logSampleVelocities_um_s, planProfile } from './trajectory.ts';
import type { LogTiming, MoveProfile } from './trajectory.ts';

/** One logged sample: where the fiber was (both axes), how fast it went, and what the meter saw. */
export interface FlySample {
  x_um: number;
  y_um: number;
  /** Motor velocity at the middle of the sample's window, µm/s (signed). */
  vx_um_s: number;
  vy_um_s: number;
  power_dBm: number;
}

export interface FlySegment {
  from: Point_um;
  to: Point_um;
  /** The one axis that moved (a scan line), or null when both did (or neither). */
  along: 'x' | 'y' | null;
  samples: FlySample[];
  duration_s: number;
}

/** Extra logging past the planned end of the move, s: a sample or so of slack for the timing estimate. */
const LOG_MARGIN_S = 5e-4;
/**
 * A log that took less than this share of its own duration on the step's clock shows the clock does not
 * follow the instruments (on one that does it takes at least the whole duration, plus the exchanges).
 */
const CLOCK_SHARE = 0.5;

export async function flySegment(rig: AlignRig, to: Point_um, phase: string, confirm = true): Promise<FlySegment> {
  const from = rig.at ?? (await rig.position());
  const [ax, ay] = rig.settings.axes;
  const [rx, ry] = [await rig.rampsOf(ax), await rig.rampsOf(ay)];
  const px = planProfile({ from_um: from.x_um, to_um: to.x_um, ...rx });
  const py = planProfile({ from_um: from.y_um, to_um: to.y_um, ...ry });
  const duration_s = Math.max(px.duration_s, py.duration_s);
  const targets: Record<string, number> = {};
  if (px.direction !== 0) targets[ax] = to.x_um;
  if (py.direction !== 0) targets[ay] = to.y_um;
  const moved = Object.keys(targets);
  const along = moved.length === 1 ? (moved[0] === ax ? 'x' : 'y') : null;
  if (moved.length === 0) return { from, to, along, samples: [], duration_s: 0 };
  const tau = rig.settings.sample_time_s;
  const ch = rig.settings.channel;
  if (rig.motionTrigger) return triggeredSegment(rig, { from, to, along, moved, targets, px, py, duration_s }, phase, confirm);
  const samples = Math.max(1, Math.ceil((rig.logLead_s + duration_s + LOG_MARGIN_S) / tau));
  await rig.meter.startLogging({ channel: ch, samples, averagingTime_s: tau, trigger: 'ignore' });
  rig.forgetAveraging();
  // Each command took effect one error-query exchange before its confirmation came back.
  const logStart_s = rig.ctx.now_s() - rig.exchange_s.meter;
  await rig.stage.moveAbsolute_um(targets);
  const moveStart_s = rig.ctx.now_s() - rig.exchange_s.stage + rig.lag_s;
  rig.at = { ...to };
  // The next log opens this much ahead of its move (measured, not assumed).
  rig.logLead_s = Math.max(2e-4, moveStart_s - logStart_s);
  await rig.meter.waitLogging(ch, 2 + samples * tau * 2);
  // Always confirmed here: with no pulse to show the move started, only the encoders say it ran.
  const late = await lateAxes(rig, targets);
  if (late.length > 0) await rig.stage.waitForMotion({ axes: late, timeout_s: motionTimeout_s(duration_s) });
  const waited_s = rig.ctx.now_s() - logStart_s;
  const watts = await rig.meter.fetchLog_W(ch);
  // A finished log still holds the function: single readings are refused until it is stopped. Deferred,
  // the stop rides with the meter's next message (the next log's start or a reading).
  await rig.meter.stopLogging(ch, { deferred: true });
  rig.loggedSamples += watts.length;
  rig.segmentsFlown += 1;
  if (waited_s < CLOCK_SHARE * samples * tau) {
    rig.flyTimingUsable = false;
    throw new FlyTimingError(samples * tau, waited_s);
  }
  const timing: LogTiming = { moveStart_s, logStart_s, averagingTime_s: tau, samples: watts.length };
  const out = placeSamples(watts, px, py, timing);
  await rig.noteAll(out, phase);
  return { from, to, along, samples: out, duration_s };
}

interface PlannedSegment {
  from: Point_um;
  to: Point_um;
  along: FlySegment['along'];
  moved: string[];
  targets: Record<string, number>;
  px: MoveProfile;
  py: MoveProfile;
  duration_s: number;
}

/**
 * A segment whose log the stage's motion-start pulse starts (the meter's CME trigger input): sample k
 * spans [k·τ, (k+1)·τ] after the move started, plus the lag the timing fit may have found (servo
 * following, the meter's trigger latency). No host clock is read.
 */
async function triggeredSegment(rig: AlignRig, s: PlannedSegment, phase: string, confirm: boolean): Promise<FlySegment> {
  const trigger = rig.motionTrigger as NonNullable<AlignRig['motionTrigger']>;
  const tau = rig.settings.sample_time_s;
  const ch = rig.settings.channel;
  const samples = Math.max(1, Math.ceil((s.duration_s + LOG_MARGIN_S) / tau));
  const fly = async (): Promise<void> => {
    await trigger.armMotionStartTrigger(s.moved[0] as string);
    await rig.meter.startLogging({ channel: ch, samples, averagingTime_s: tau, trigger: 'continuous' });
    rig.forgetAveraging();
    await rig.stage.moveAbsolute_um(s.targets);
    rig.at = { ...s.to };
    await rig.meter.waitLogging(ch, 2 + s.duration_s * 2 + samples * tau * 2);
  };
  try {
    await fly();
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    await rig.meter.stopLogging(ch).catch(() => undefined);
    // A fault between arming and motion (a configuration command held by a stall and carried out late, a
    // controller restarted) can lose the pulse: the line is re-armed in full and flown once more from its
    // start. A second silence is a cabling or configuration fault, and the step fails saying so.
    trigger.forgetArming();
    const first = err instanceof Error ? err.message : String(err);
    rig.noteReflown(`a fly line's log got no trigger pulse (${first}); re-armed the trigger and flew the line again`);
    await rig.stage.moveAbsolute_um({ [rig.settings.axes[0]]: s.from.x_um, [rig.settings.axes[1]]: s.from.y_um });
    await rig.stage.waitForMotion({ axes: s.moved, timeout_s: motionTimeout_s(s.duration_s) });
    try {
      await fly();
    } catch (again) {
      if (!(again instanceof WaitTimeoutError)) throw again;
      await rig.meter.stopLogging(ch).catch(() => undefined);
      throw new FlyTriggerError(trigger.triggerOutput, again);
    }
  }
  // Unconfirmed (confirm false), the next move starts from the target anyway: a log that completed saw
  // the motion start, and an axis that did not arrive is still off its latest target at the next check,
  // which reads it with the axes that check is for (one exchange for both).
  if (confirm) {
    const late = await lateAxes(rig, { ...rig.unconfirmedTargets(), ...s.targets });
    rig.unconfirmed.clear();
    if (late.length > 0) await rig.stage.waitForMotion({ axes: late, timeout_s: motionTimeout_s(s.duration_s) });
  } else {
    for (const axis of s.moved) rig.unconfirmed.add(axis);
  }
  const watts = await rig.meter.fetchLog_W(ch);
  await rig.meter.stopLogging(ch, { deferred: true });
  rig.loggedSamples += watts.length;
  rig.segmentsFlown += 1;
  const timing: LogTiming = { moveStart_s: rig.lag_s, logStart_s: 0, averagingTime_s: tau, samples: watts.length };
  const out = placeSamples(watts, s.px, s.py, timing);
  await rig.noteAll(out, phase);
  return { from: s.from, to: s.to, along: s.along, samples: out, duration_s: s.duration_s };
}

/** The moved axes not yet at their targets (their encoders read in one exchange where the stage can). */
async function lateAxes(rig: AlignRig, targets: Record<string, number>): Promise<string[]> {
  const at = await rig.stage.positions_um(Object.keys(targets));
  return Object.keys(targets).filter((axis) => Math.abs((at[axis] as number) - (targets[axis] as number)) > ARRIVED_UM);
}

/** Logged watts → samples with both axes' positions and velocities over each window. */
export function placeSamples(watts: readonly number[], px: MoveProfile, py: MoveProfile, timing: LogTiming): FlySample[] {
  const xs = logSamplePositions_um(px, timing), ys = logSamplePositions_um(py, timing);
  const vxs = logSampleVelocities_um_s(px, timing), vys = logSampleVelocities_um_s(py, timing);
  return watts.map((w, k) => ({
    x_um: xs[k] as number,
    y_um: ys[k] as number,
    vx_um_s: vxs[k] as number,
    vy_um_s: vys[k] as number,
    power_dBm: w > 0 ? 10 * Math.log10(w) + 30 : -Infinity,
  }));
}

/** A scan line's samples as (position along the line, power), for fitLinePeak. */
export function alongLine(segment: FlySegment): LineSample[] {
  const along = segment.along ?? 'x';
  return segment.samples.map((s) => ({ position_um: along === 'x' ? s.x_um : s.y_um, power_dBm: s.power_dBm }));
}
