// The step sweep: set a wavelength, let the laser settle, read the output and monitor channels together,
// record the point. Each point is durable as it is taken; after a crash or a lost instrument the sweep
// continues from the first wavelength not yet recorded, the points before it read back from the table.
import { stepWavelengths_nm } from '../../../drivers/roles/tunable-laser.ts';
import type { StepContext } from '../../step.ts';
import { SweepError, prepareRig, requireLaserOn, sweepRig } from './rig.ts';
import type { SweepRig } from './rig.ts';
import { spectrumReference } from './schema.ts';
import type { SweepParams } from './schema.ts';
import { spectrumRow } from './spectrum.ts';
import type { SpectrumRow, SpectrumSettings } from './spectrum.ts';
import { recordedSpectrum } from './sweep-state.ts';

async function readPoint(rig: SweepRig, wavelength_nm: number, settings: SpectrumSettings): Promise<SpectrumRow> {
  await rig.laser.setWavelength_nm(wavelength_nm);
  await rig.laser.waitSettled();
  // The detectors' responsivity depends on wavelength: calibrate them at each step.
  for (const ch of rig.channels) await rig.meter.setWavelength_nm(ch, wavelength_nm);
  let output_dBm: number;
  let monitor_dBm: number | undefined;
  if (rig.monitor) {
    // Both channels in one simultaneous reading, so laser power noise cancels in the ratio.
    const all = await rig.meter.readAll_dBm();
    output_dBm = all[rig.meter.channels.indexOf(rig.channels[0] as number)] as number;
    monitor_dBm = all[rig.meter.channels.indexOf(rig.channels[1] as number)] as number;
  } else {
    output_dBm = await rig.meter.readPower_dBm(rig.channels[0] as number);
  }
  return spectrumRow(wavelength_nm, output_dBm, monitor_dBm, settings);
}

/** A resumed sweep whose last recorded point now reads this much differently is refused, dB. */
const RESUME_LOSS_TOLERANCE_DB = 0.5;

/**
 * Before continuing after an interruption, the last recorded wavelength is read again (not recorded): if
 * its loss moved, the bench lost its state (the fiber moved, the laser or meter was reset) and the new
 * points would not join the old ones into one spectrum.
 */
async function checkContinuity(rig: SweepRig, settings: SpectrumSettings, wavelength_nm: number, before_dB: number | undefined): Promise<void> {
  if (before_dB === undefined || !Number.isFinite(before_dB)) return;
  const now = await readPoint(rig, wavelength_nm, settings);
  if (!(Math.abs(now.loss_dB - before_dB) <= RESUME_LOSS_TOLERANCE_DB)) {
    throw new SweepError(`resuming the step sweep, the loss at ${wavelength_nm} nm reads ${now.loss_dB.toFixed(2)} dB where ${before_dB.toFixed(2)} dB ` +
      'was recorded before the interruption: the bench is not in the state the spectrum was measured in (alignment, laser, meter); ' +
      'restore it and resume, or start a new run');
  }
}

/** Runs (or continues) the step sweep; returns every point of the sweep, those of earlier attempts included. */
export async function runStepSweep(ctx: StepContext, p: SweepParams): Promise<SpectrumRow[]> {
  const rig = sweepRig(ctx, p);
  const settings: SpectrumSettings = { reference: spectrumReference(p), outputLoss_dB: p.output_loss };
  const wavelengths = stepWavelengths_nm({ start_nm: p.start, stop_nm: p.stop, step_nm: p.step });
  const recorded = ctx.resume?.pointsByTable['spectrum'] ?? 0;
  const rows: SpectrumRow[] = (recordedSpectrum(ctx.resume) ?? []).slice(0, recorded);
  if (recorded > 0) {
    ctx.log(`continuing the step sweep after ${recorded} recorded points, from ${wavelengths[recorded] ?? p.stop} nm`);
    if (rows.length < recorded) ctx.warn(`only ${rows.length} of the ${recorded} recorded points are known to the fit; the rest are in the CSV only`);
  }
  if (recorded >= wavelengths.length) return rows;
  await prepareRig(rig, p, rig.monitor);
  if (recorded > 0) await checkContinuity(rig, settings, wavelengths[recorded - 1] as number, rows[recorded - 1]?.loss_dB);
  for (let i = recorded; i < wavelengths.length; i++) {
    await ctx.checkpoint();
    const row = await readPoint(rig, wavelengths[i] as number, settings);
    await requireLaserOn(rig, `at ${row.wavelength_nm} nm`);
    await ctx.point('spectrum', { ...row });
    rows.push(row);
  }
  return rows;
}
