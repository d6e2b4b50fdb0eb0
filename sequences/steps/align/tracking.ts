// Tracking: after an alignment, watch the power and re-peak when it has fallen by a margin (thermal
// drift, adhesive cure, a chip creeping overnight). Between checks the meter logs the power
// continuously (one sample per second or so), which is also how bench time passes while tracking.
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import { realign } from './align-run.ts';
import type { AlignResult } from './align-run.ts';
import type { AlignRig } from './rig.ts';
import type { AlignParams } from './schema.ts';

export const TRACK_TABLE = 'align_track';

/** The meter's longest averaging time: a check interval is logged in samples no longer than this. */
const MAX_SAMPLE_S = 1;

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
    await this.rig.checkpoint();
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
