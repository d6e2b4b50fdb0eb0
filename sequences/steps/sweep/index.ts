// The `sweep` step: an insertion-loss spectrum (step or continuous swept-wavelength measurement) and the
// grating fit of it (centre, peak loss, 1-dB bandwidth with their uncertainties). The laser ends at the
// wavelength it had before the step, the meter channels with the calibration and averaging they had.
import type { StepContext, StepDefinition, StepOutcome } from '../../step.ts';
import { runContinuousSweep } from './continuous-sweep.ts';
import { keepingCwWavelength, keepingMeterSettings, sweepRig } from './rig.ts';
import { analyseSpectrum } from './fit.ts';
import { estimateSweep_s, sweepMeasurements, sweepSchema, sweepTables, validateSweep } from './schema.ts';
import type { SweepParams } from './schema.ts';
import { runStepSweep } from './step-sweep.ts';

async function run(ctx: StepContext, p: SweepParams): Promise<StepOutcome> {
  const rig = sweepRig(ctx, p);
  // A step sweep with the monitor sets the averaging of every channel (a read of all ports lasts as long as the slowest).
  const touched = p.mode === 'step' && rig.monitor ? rig.meter.channels : rig.channels;
  const rows = await keepingMeterSettings(rig.meter, touched, () => keepingCwWavelength(ctx, rig.laser,
    () => (p.mode === 'step' ? runStepSweep(ctx, p) : runContinuousSweep(ctx, p))));
  const analysis = analyseSpectrum(rows, p.fit_window);
  for (const w of analysis.warnings) ctx.warn(w);
  const outcome: StepOutcome = { measurements: analysis.measurements };
  if (analysis.record) {
    ctx.fit('grating', analysis.record);
    outcome.fits = { grating: analysis.record };
  }
  return outcome;
}

export const sweepStep: StepDefinition<SweepParams> = {
  kind: 'sweep',
  description: 'insertion-loss spectrum (step or continuous sweep) with a grating fit: centre, peak loss, 1-dB bandwidth',
  schema: sweepSchema,
  tables: sweepTables,
  measurements: sweepMeasurements,
  validate: validateSweep,
  estimate_s: estimateSweep_s,
  run,
};

export { SweepError } from './rig.ts';
export { SpectrumAssemblyError, assembleSpectrum, spectrumRow } from './spectrum.ts';
export type { SweepParams } from './schema.ts';
