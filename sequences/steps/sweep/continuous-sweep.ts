// The continuous sweep: the laser sweeps at constant speed and pulses its trigger output at every step;
// each pulse makes the meter log one sample on the output and monitor channels and the laser log its
// wavelength. The three blocks (float64 wavelengths, float32 powers) are matched sample by sample.
// A continuous sweep cannot be continued halfway: after a crash or a lost instrument it is run again
// from the start, and only the rows not yet recorded are written (the fit uses the new sweep whole).
import type { StepContext } from '../../step.ts';
import { SweepError, prepareRig, requireLaserOn, sweepRig } from './rig.ts';
import type { SweepRig } from './rig.ts';
import { averaging_s, spectrumReference } from './schema.ts';
import type { SweepParams } from './schema.ts';
import { assembleSpectrum } from './spectrum.ts';
import type { SpectrumRow } from './spectrum.ts';
import { recordedSpectrum } from './sweep-state.ts';

/** Headroom over the sweep's own duration before waiting on it counts as a hang, s. */
const WAIT_MARGIN_S = 30;

/** A re-run whose losses differ from the interrupted sweep's by more than this (median over the recorded points) is refused, dB. */
const RESUME_LOSS_TOLERANCE_DB = 0.5;

/**
 * The re-run sweep's first rows stand beside the interrupted sweep's in one table: they must agree, or the
 * bench lost its state (alignment, laser, meter) across the interruption.
 */
function checkContinuity(ctx: StepContext, rows: readonly SpectrumRow[], recorded: number): void {
  const saved = recordedSpectrum(ctx.resume) ?? [];
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(recorded, saved.length, rows.length); i++) {
    const before = saved[i]?.loss_dB ?? NaN, now = rows[i]?.loss_dB ?? NaN;
    if (Number.isFinite(before) && Number.isFinite(now)) diffs.push(Math.abs(now - before));
  }
  if (diffs.length === 0) return;
  diffs.sort((a, b) => a - b);
  const median = diffs[Math.floor(diffs.length / 2)] as number;
  if (median > RESUME_LOSS_TOLERANCE_DB) {
    throw new SweepError(`the re-run sweep differs from the ${recorded} rows recorded before the interruption by ${median.toFixed(2)} dB ` +
      '(median): the bench is not in the state the spectrum was measured in (alignment, laser, meter); restore it and resume, or start a new run');
  }
}

/**
 * A finished log still holds the meter's logging function, and the meter refuses single readings (the next
 * measure, ber or align step) until it is stopped. After a failure, best effort: the failure is the news.
 */
async function stopLogging(rig: SweepRig, afterFailure: boolean): Promise<void> {
  for (const ch of rig.channels) {
    try {
      await rig.meter.stopLogging(ch);
    } catch (err) {
      if (!afterFailure) throw err;
    }
  }
}

export async function runContinuousSweep(ctx: StepContext, p: SweepParams): Promise<SpectrumRow[]> {
  const rig = sweepRig(ctx, p);
  const recorded = ctx.resume?.pointsByTable['spectrum'] ?? 0;
  if (recorded > 0) {
    ctx.warn(`the continuous sweep was interrupted after ${recorded} rows were recorded; it is run again from ${p.start} nm, ` +
      `rows ${recorded + 1}… come from the new sweep, and the fit uses the new sweep only`);
  }
  await prepareRig(rig, p, false);
  const { laser, meter } = rig;
  // One calibration wavelength for the whole log; with the monitor reference the responsivity slope cancels.
  for (const ch of rig.channels) await meter.setWavelength_nm(ch, (p.start + p.stop) / 2);
  await laser.configureSweep({
    start_nm: p.start, stop_nm: p.stop, step_nm: p.step, speed_nm_s: p.speed,
    mode: 'continuous', logWavelengths: true, triggerOutput: 'step',
  });
  const check = await laser.checkSweep();
  if (!check.ok) throw new SweepError(`the laser refused the sweep ${p.start}…${p.stop} nm at ${p.speed} nm/s: ${check.reason}`);
  const samples = await laser.expectedTriggers();
  await ctx.checkpoint();
  let logs: { wavelengths_nm: number[]; output_W: number[]; monitor_W: number[] | undefined };
  try {
    for (const ch of rig.channels) {
      await meter.startLogging({ channel: ch, samples, averagingTime_s: averaging_s(p), trigger: 'single' });
    }
    const duration_s = (p.stop - p.start) / p.speed;
    await laser.startSweep();
    await laser.waitSweep(duration_s + WAIT_MARGIN_S);
    // Before waiting on the logs: a sweep cut short by the laser going dark leaves them waiting for triggers.
    await requireLaserOn(rig, 'during the continuous sweep');
    for (const ch of rig.channels) await meter.waitLogging(ch, WAIT_MARGIN_S);
    logs = {
      wavelengths_nm: await laser.fetchWavelengthLog_nm(),
      output_W: await meter.fetchLog_W(p.channel),
      monitor_W: rig.monitor ? await meter.fetchLog_W(p.monitor_channel) : undefined,
    };
  } catch (err) {
    await stopLogging(rig, true);
    throw err;
  }
  await stopLogging(rig, false);
  const { wavelengths_nm, output_W, monitor_W } = logs;
  const rows = assembleSpectrum({
    wavelengths_nm, output_W, outputChannel: p.channel,
    ...(monitor_W ? { monitor_W, monitorChannel: p.monitor_channel } : {}),
  }, { reference: spectrumReference(p), outputLoss_dB: p.output_loss });
  if (recorded > 0) checkContinuity(ctx, rows, recorded);
  for (let i = recorded; i < rows.length; i++) await ctx.point('spectrum', { ...(rows[i] as SpectrumRow) });
  return rows;
}
