// The PI GCS stage with one of its digital trigger outputs cabled to the meter's trigger input (bench
// file `options: { trigger_output: N }`): the output is put in "InMotion" mode on the axis about to fly,
// so its rising edge marks the instant the move starts. Commands (C-884 user manual, "CTO" and "TRO";
// also pipython's GCSCommands.CTO/TRO): `CTO <out> 2 <axis>` (the axis the output follows),
// `CTO <out> 3 6` (trigger mode 6 = InMotion), `TRO <out> 1` (output enabled).
import { z } from 'zod';
import { parseDriverOptions } from '../properties/options.ts';
import { writeChecked } from '../properties/send.ts';
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
    const enable = this.armedAxis === null;
    // Unknown until confirmed: a CTO held by a stall and carried out late leaves the output following the
    // new axis while a cache of the old one would skip the next arm for it (a fly log with no pulse).
    this.armedAxis = null;
    await writeChecked(this.gcs.session, `CTO ${out} ${CTO_AXIS} ${n} ${out} ${CTO_MODE} ${MODE_IN_MOTION}`);
    if (enable) await writeChecked(this.gcs.session, `TRO ${out} 1`);
    this.armedAxis = n;
  }

  forgetArming(): void {
    this.armedAxis = null;
  }
}
