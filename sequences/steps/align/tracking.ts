// Tracking: after an alignment, watch the power and re-peak when it has fallen by a margin (thermal
// drift, adhesive cure, a chip creeping overnight). Between checks the meter logs the power
// continuously (one sample per second or so), which is also how bench time passes while tracking.
// Tracking is bounded by its own `for`, counted in watched time (the checks' logs, the instruments'
// own time); max_time bounds each alignment and re-alignment, not the tracking around them.
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import type { ResumeInfo, StepContext } from '../../step.ts';
import { realign } from './align-run.ts';
import type { AlignResult } from './align-run.ts';
import type { AlignRig } from './rig.ts';
import type { AlignParams, TrackParams } from './schema.ts';

export const TRACK_TABLE = 'align_track';
export const TRACK_COLUMNS = ['t_s', 'power_dBm', 'drop_dB', 'realigned', 'x_um', 'y_um'];

/** The meter's longest averaging time: a check interval is logged in samples no longer than this. */
const MAX_SAMPLE_S = 1;
/** Less tracking than this left counts as none (rounding of the intervals), s. */
const DONE_S = 1e-6;

export interface TrackCheck {
  t_s: number;
  power_dBm: number;
  /** Power below the reference, dB. */
  drop_dB: number;
  realigned: boolean;
  /** The re-peak's result when it realigned. */
  result?: AlignResult;
}

/**
 * Watches one aligned fiber. `check()` logs the power for `every` seconds, then re-peaks if the last
 * samples fell `drop` dB below the reference (the power right after the last alignment). Usable from
 * the align step (`track: { for: … }`) or by the engine between the steps of a long sequence.
 */
export class AlignTracker {
  reference_dBm: number;
  realignments = 0;

  constructor(
    private readonly rig: AlignRig,
    private readonly meter: PowerMeter,
    private readonly params: AlignParams,
    aligned: AlignResult,
  ) {
    this.reference_dBm = aligned.power_dBm;
    this.radius_um = aligned.profileRadius_um;
  }

  private radius_um: number;

  async check(every_s: number, drop_dB: number): Promise<TrackCheck> {
    // Pause and abort only: the alignment's time budget does not run while watching.
    await this.rig.ctx.checkpoint();
    const ch = this.params.channel;
    const samples = Math.max(1, Math.ceil(every_s / MAX_SAMPLE_S));
    const atime = every_s / samples;
    await this.meter.startLogging({ channel: ch, samples, averagingTime_s: atime, trigger: 'ignore' });
    this.rig.forgetAveraging();
    await this.meter.waitLogging(ch, 10 + 2 * every_s);
    const log = (await this.meter.fetchLog_W(ch)).filter((w) => w > 0).map((w) => 10 * Math.log10(w) + 30);
    await this.meter.stopLogging(ch);
    // The last few samples, not one: a single noisy sample must not trigger a re-peak.
    const tail = log.slice(-Math.min(3, log.length));
    const power_dBm = tail.length ? tail.reduce((s, v) => s + v, 0) / tail.length : -Infinity;
    const drop = this.reference_dBm - power_dBm;
    const t_s = this.rig.ctx.now_s();
    if (!(drop >= drop_dB)) return { t_s, power_dBm, drop_dB: drop, realigned: false };
    const result = await realign(this.rig, this.params, this.radius_um);
    this.realignments += 1;
    this.reference_dBm = result.power_dBm;
    this.radius_um = result.profileRadius_um;
    return { t_s, power_dBm, drop_dB: drop, realigned: true, result };
  }
}

/** What an interrupted run of the step had tracked: watched seconds and re-alignments. */
export interface TrackedBefore {
  watched_s: number;
  realignments: number;
  checks: number;
}

/**
 * Read back from the track rows already recorded (ResumeInfo.rows; their count where the context has no
 * rows): every check but a tracking's last watches `every` seconds, so n checks watched n·every, at most
 * the whole `for`.
 */
export function trackedBefore(resume: ResumeInfo | null, t: TrackParams | undefined): TrackedBefore {
  if (!resume || !t) return { watched_s: 0, realignments: 0, checks: 0 };
  const rows = resume.rows?.[TRACK_TABLE];
  const checks = rows?.length ?? resume.pointsByTable[TRACK_TABLE] ?? 0;
  return {
    watched_s: Math.min(t.for, checks * t.every),
    realignments: rows ? rows.filter((r) => r['realigned'] === true).length : 0,
    checks,
  };
}

/**
 * Tracks after `aligned` for what remains of `for` (all of it on a fresh start), recording every check;
 * returns the last alignment's result with a note on the tracking.
 */
export async function track(ctx: StepContext, rig: AlignRig, p: AlignParams, aligned: AlignResult, before: TrackedBefore): Promise<AlignResult> {
  const t = p.track;
  if (!t || !(t.for > 0)) return aligned;
  const tracker = new AlignTracker(rig, ctx.bench.get(p.meter, 'meter'), p, aligned);
  let watched = before.watched_s;
  let last = aligned;
  while (t.for - watched > DONE_S) {
    const interval = Math.min(t.every, t.for - watched);
    const c = await tracker.check(interval, t.drop);
    watched += interval;
    if (c.result) last = c.result;
    const at = last.position;
    await ctx.point(TRACK_TABLE, { t_s: c.t_s, power_dBm: c.power_dBm, drop_dB: c.drop_dB, realigned: c.realigned, x_um: at.x_um, y_um: at.y_um });
    if (c.realigned) ctx.log(`align: tracking re-peaked after a ${c.drop_dB.toFixed(2)} dB drop: ${last.power_dBm.toFixed(2)} dBm`);
  }
  const earlier = before.checks > 0 ? ` (${before.watched_s} s and ${before.realignments} re-alignments of them before the interruption)` : '';
  return { ...last, notes: [...last.notes, `tracking: ${tracker.realignments + before.realignments} re-alignments in ${t.for} s${earlier}`] };
}
