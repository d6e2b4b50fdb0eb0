// The instruments a sweep drives, made ready, the check that the laser is still emitting, and the laser
// put back at the wavelength it had before the sweep.
import type { PowerMeter } from '../../../drivers/roles/power-meter.ts';
import type { TunableLaser } from '../../../drivers/roles/tunable-laser.ts';
import type { StepContext } from '../../step.ts';
import { averaging_s } from './schema.ts';
import type { SweepParams } from './schema.ts';

/** The sweep cannot go on (laser went dark, the laser refused the sweep, a log came back short). */
export class SweepError extends Error {
  override name = 'SweepError';
}

export interface SweepRig {
  laser: TunableLaser;
  meter: PowerMeter;
  /** Channels read: the output channel, then the monitor channel with the monitor reference. */
  channels: number[];
  monitor: boolean;
}

export function sweepRig(ctx: StepContext, p: SweepParams): SweepRig {
  const monitor = p.reference === 'monitor';
  return {
    laser: ctx.bench.get(p.laser, 'laser'),
    meter: ctx.bench.get(p.meter, 'meter'),
    channels: monitor ? [p.channel, p.monitor_channel] : [p.channel],
    monitor,
  };
}

/**
 * Averaging time on every channel read (a step sweep reads them together, and a read of all ports lasts as
 * long as the slowest), the laser's power if given, and its output on.
 */
export async function prepareRig(rig: SweepRig, p: SweepParams, allChannels: boolean): Promise<void> {
  const atime = averaging_s(p);
  for (const ch of allChannels ? rig.meter.channels : rig.channels) await rig.meter.setAveragingTime_s(ch, atime);
  if (p.power !== undefined) await rig.laser.setPower_dBm(p.power);
  await rig.laser.setOutput(true);
}

/** A spectrum taken with the laser off is the meter's noise floor: refuse to record it as a loss. */
export async function requireLaserOn(rig: SweepRig, where: string): Promise<void> {
  if (!(await rig.laser.output())) {
    throw new SweepError(`the laser output (${rig.laser.session.resource}) went off ${where} — an interlock or another client; ` +
      'the points recorded so far are kept; once the laser is back on, `benchctl resume` continues from the last of them');
  }
}

async function setWavelength(laser: TunableLaser, wavelength_nm: number): Promise<void> {
  await laser.setWavelength_nm(wavelength_nm);
  await laser.waitSettled();
}

/**
 * Runs a sweep, then sets the laser back to the wavelength it had before. A continuous sweep leaves the
 * laser resting at the sweep's start wavelength (the 816x/N777x sweep cycle; the TSL does the same) and a
 * step sweep at its last step, while a later step that sets no wavelength of its own (a `ber` after
 * `set: laser.wavelength`) relies on the one the sequence set. After a failure, best effort: the failure
 * is the news.
 */
export async function keepingCwWavelength<T>(ctx: StepContext, laser: TunableLaser, sweep: () => Promise<T>): Promise<T> {
  const cw_nm = await laser.wavelength_nm();
  const { min, max } = laser.limits.wavelength_nm;
  const restorable = cw_nm >= min && cw_nm <= max;
  let result: T;
  try {
    result = await sweep();
  } catch (err) {
    if (restorable) await setWavelength(laser, cw_nm).catch(() => undefined);
    throw err;
  }
  if (!restorable) {
    ctx.warn(`the laser was at ${cw_nm} nm before the sweep, outside its ${min}…${max} nm: it is left where the sweep left it`);
    return result;
  }
  await setWavelength(laser, cw_nm);
  ctx.log(`laser set back to ${cw_nm} nm, where it was before the sweep`);
  return result;
}

/**
 * Runs a sweep, then puts back the calibration wavelength and averaging time of the meter channels it
 * changed: a step sweep calibrates at every wavelength and ends at its stop, and both modes set their own
 * averaging, while a later `measure` without `wavelength:` or `averaging_time:` uses what the sequence set.
 * After a failure, best effort, as for the laser.
 */
export async function keepingMeterSettings<T>(meter: PowerMeter, channels: readonly number[], sweep: () => Promise<T>): Promise<T> {
  const before: { channel: number; wavelength_nm: number; averaging_s: number }[] = [];
  for (const channel of channels) before.push({ channel, wavelength_nm: await meter.wavelength_nm(channel), averaging_s: await meter.averagingTime_s(channel) });
  const restore = async () => {
    for (const b of before) {
      await meter.setWavelength_nm(b.channel, b.wavelength_nm);
      await meter.setAveragingTime_s(b.channel, b.averaging_s);
    }
  };
  let result: T;
  try {
    result = await sweep();
  } catch (err) {
    await restore().catch(() => undefined);
    throw err;
  }
  await restore();
  return result;
}
