// The PI GCS stage with one of its digital trigger outputs cabled to the meter's trigger input (bench
// file `options: { trigger_output: N }`): the output is put in "InMotion" mode on the axis about to fly,
// so its rising edge marks the instant the move starts. Commands (C-884 user manual, "CTO" and "TRO";
// also pipython's GCSCommands.CTO/TRO): `CTO <out> 2 <axis>` (the axis the output follows),
// `CTO <out> 3 6` (trigger mode 6 = InMotion), `TRO <out> 1` (output enabled). A re-arm's ERR? is left to
// the move that follows it (PiGcsProtocol.writeDeferringCheck).
import { z } from 'zod';
import { parseDriverOptions } from '../properties/options.ts';
import { forgetArmingOnFaults, type MotionStartTrigger } from '../roles/motion-trigger.ts';
import { AxisStage } from '../roles/stage-driver.ts';
import type { StageAxisSettings } from '../roles/stage.ts';
import type { PiGcsProtocol } from './pi-gcs.ts';

/** CTO parameter numbers and the InMotion mode (C-884 manual, CTO). */
const CTO_AXIS = 2;
const CTO_MODE = 3;
const MODE_IN_MOTION = 6;

export const PI_GCS_OPTIONS = z.strictObject({
  enable: z.boolean({ error: 'expected true or false' }).default(true),
  /** Which digital output (1–4 on a C-884) is cabled to the meter's trigger input; absent: none is. */
  trigger_output: z.number({ error: 'expected an output number 1-4' }).int('expected an output number 1-4').min(1, 'expected an output number 1-4').max(4, 'expected an output number 1-4').optional(),
});

export function parsePiGcsOptions(driver: string, options: Record<string, unknown>): z.output<typeof PI_GCS_OPTIONS> {
  return parseDriverOptions(driver, PI_GCS_OPTIONS, options);
}

export class PiGcsTriggeredStage extends AxisStage implements MotionStartTrigger {
  /** Controller axis the output follows now (null until configured by this driver). */
  private armedAxis: number | null = null;

  constructor(
    driverName: string,
    role: string,
    private readonly gcs: PiGcsProtocol,
    axes: Readonly<Record<string, StageAxisSettings>> | undefined,
    readonly triggerOutput: number,
  ) {
    super(driverName, role, gcs, axes);
    forgetArmingOnFaults(gcs.session, () => this.forgetArming());
  }

  async armMotionStartTrigger(axis: string): Promise<void> {
    const n = this.axisConfig(axis).axis;
    if (this.armedAxis === n) return;
    const out = this.triggerOutput;
    const cto = `CTO ${out} ${CTO_AXIS} ${n} ${out} ${CTO_MODE} ${MODE_IN_MOTION}`;
    const forget = (): void => {
      this.armedAxis = null;
    };
    const first = this.armedAxis === null;
    // Unknown until sent: a CTO held by a stall and carried out late leaves the output following the new
    // axis while a cache of the old one would skip the next arm for it (a fly log with no pulse).
    this.armedAxis = null;
    if (first) {
      // First arming: checked at once (TRO's ERR? answers for the CTO before it too), so a controller
      // without trigger outputs says so here.
      await this.gcs.writeDeferringCheck(cto, forget);
      await this.gcs.writeChecked(`TRO ${out} 1`);
    } else {
      // Re-arming for the other axis (a spiral alternates them): its ERR? is the next move's (GCS keeps
      // the error until ERR? reads it), which comes before the log it triggers is used. Saves an exchange
      // per re-arm; an error there is reported naming both commands and the output re-armed next time.
      await this.gcs.writeDeferringCheck(cto, forget);
    }
    this.armedAxis = n;
  }

  forgetArming(): void {
    this.armedAxis = null;
  }
}
