// One alignment, start to finish: first light, fine peaking, 2-D Gaussian refinement, move to the fitted
// peak and read the final power. `repeak` is the same from fine peaking on, for tracking.
import { chipModeRadius_um } from '../../../models/coupling.ts';
import { FitError } from '../../../models/fits/fit-error.ts';
import { gaussianTolerances } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit } from '../../../models/fits/gaussian2d.ts';
import { crossScanPeak, fitCross } from './cross-scan.ts';
import type { CrossResult } from './cross-scan.ts';
import { ditherPeak } from './dither.ts';
import { LostLightError } from './errors.ts';
import { flyFirstLight, stepFirstLight } from './first-light.ts';
import { gridFitPeak } from './grid-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';
import { defaultPitch_um } from './schema.ts';
import type { AlignParams } from './schema.ts';
import { simplexPeak } from './simplex.ts';

/** 1/e² radius of the coupled-power profile assumed before a fit has measured it (SMF on a grating loopback). */
const NOMINAL_PROFILE_RADIUS_UM = 5.2;

export interface AlignResult {
  position: Point_um;
  power_dBm: number;
  /** The refinement's fit (absent when it could not be fitted; `notes` says why). */
  fit?: Gaussian2DFit;
  profileRadius_um: number;
  modeRadius_um: number;
  tolerance1dB_um: number;
  readings: number;
  time_s: number;
  notes: string[];
}

interface Refined {
  centre: Point_um;
  fit?: Gaussian2DFit;
  radius_um: number;
  notes: string[];
}

function fromFit(centre: Point_um, fit: Gaussian2DFit | FitError, fallbackRadius_um: number): Refined {
  if (fit instanceof FitError) return { centre, radius_um: fallbackRadius_um, notes: [`2-D Gaussian refinement not fitted (${fit.reason}): ${fit.message}`] };
  return { centre: { x_um: fit.x0_um, y_um: fit.y0_um }, fit, radius_um: fit.radius_um, notes: [] };
}

/** Radius to size scans by: measured when a line fit gave a plausible one, nominal otherwise. */
function scanRadius(measured: number | undefined): number {
  return measured !== undefined && measured > 1 && measured < 50 ? measured : NOMINAL_PROFILE_RADIUS_UM;
}

async function flyRefine(rig: AlignRig, p: AlignParams, from: Point_um, litAlong: 'x' | 'y', firstHalf_um: number, radius_um: number): Promise<Refined> {
  const half = 1.6 * radius_um;
  let cross: CrossResult = await crossScanPeak(rig, from, litAlong, { firstHalf_um, half_um: half, recentre_um: half / 3, maxRounds: 3 });
  rig.phase = 'refinement (2-D Gaussian fit)';
  let refined = fromFit(cross.centre, fitCross(rig, cross), scanRadius(cross.pairs.x.radius_um));
  // Short of the accuracy aimed at: one more cross through the fitted centre (the time budget still applies).
  const sigma = refined.fit ? Math.max(refined.fit.sigma.x0_um, refined.fit.sigma.y0_um) : Infinity;
  if (sigma > p.accuracy) {
    cross = await crossScanPeak(rig, refined.centre, 'x', { firstHalf_um: half, half_um: half, recentre_um: half, maxRounds: 1 });
    refined = fromFit(cross.centre, fitCross(rig, cross), refined.radius_um);
  }
  return refined;
}

async function stepRefine(rig: AlignRig, p: AlignParams, from: Point_um, radius_um: number): Promise<Refined> {
  rig.phase = 'refinement (2-D Gaussian fit)';
  const r = await gridFitPeak(rig, from, { n: 3, half_um: 0.5 * radius_um, averaging_s: p.averaging, phase: 'refine', maxRounds: 2 });
  return fromFit(r.centre, r.fit, radius_um);
}

/** Fine peaking and refinement from an estimate (after first light, or when tracking). */
export async function repeak(rig: AlignRig, p: AlignParams, from: Point_um, litAlong: 'x' | 'y', firstHalf_um: number, radiusHint_um?: number): Promise<Refined> {
  const radius = scanRadius(radiusHint_um);
  if (p.fine === 'fit') {
    if (p.fly) return flyRefine(rig, p, from, litAlong, firstHalf_um, radius);
    rig.phase = 'fine peaking (step grid fit)';
    const g = await gridFitPeak(rig, from, { n: 5, half_um: radius, averaging_s: p.averaging, phase: 'fine', maxRounds: 4 });
    return stepRefine(rig, p, g.centre, g.fit instanceof FitError ? radius : scanRadius(g.fit.radius_um));
  }
  rig.phase = `fine peaking (${p.fine})`;
  const evaluate = rig.evaluator('fine', p.averaging);
  const climbed = p.fine === 'gradient'
    ? await ditherPeak(evaluate, from, { dither_um: 0.3 * radius, tolerance_um: Math.max(p.accuracy, 0.05), maxStep_um: 2 * radius })
    : await simplexPeak(evaluate, from, { initialStep_um: 0.4 * radius, tolerance_um: Math.max(p.accuracy, 0.05) });
  if (p.fly) return flyRefine(rig, p, climbed.position, 'x', 1.6 * radius, radius);
  return stepRefine(rig, p, climbed.position, radius);
}

/** Moves to the refined peak and reads the final power. */
async function finish(rig: AlignRig, p: AlignParams, refined: Refined): Promise<AlignResult> {
  rig.phase = 'final reading';
  await rig.checkpoint();
  await rig.moveTo(refined.centre);
  const power_dBm = await rig.read_dBm(p.final_averaging);
  rig.phase = 'done';
  const notes = [...refined.notes];
  let modeRadius_um = NaN;
  try {
    modeRadius_um = chipModeRadius_um(refined.radius_um, p.fiber_mode_radius, p.couplers);
  } catch (err) {
    notes.push(`chip mode radius not derived: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    position: refined.centre,
    power_dBm,
    ...(refined.fit ? { fit: refined.fit } : {}),
    profileRadius_um: refined.radius_um,
    modeRadius_um,
    tolerance1dB_um: gaussianTolerances({ radius_um: refined.radius_um, sigma: { x0_um: 0, y0_um: 0, peak_mW: 0, radius_um: 0, background_mW: 0 } }).tolerance1dB_um,
    readings: rig.readings,
    time_s: rig.elapsed_s(),
    notes,
  };
}

/** A whole alignment around `centre`. */
export async function runAlignment(rig: AlignRig, p: AlignParams, centre: Point_um): Promise<AlignResult> {
  const pitch = defaultPitch_um(p);
  const found = await (p.fly ? flyFirstLight : stepFirstLight)(rig, {
    centre, radius_um: p.search_radius, pitch_um: pitch, method: p.first_light, threshold: p.threshold, averaging_s: p.averaging,
  });
  rig.ctx.log(`align: first light ${found.power_dBm.toFixed(1)} dBm at (${found.at.x_um.toFixed(2)}, ${found.at.y_um.toFixed(2)}) µm after ${rig.readings} readings`);
  const litAlong = found.line?.along ?? 'x';
  // Across the lit line the peak is at most about a pitch away (light shows up to ~2 radii off a line).
  const firstHalf = pitch / 2 + 2.5 * scanRadius(found.linePeak?.radius_um);
  const refined = await repeak(rig, p, found.at, litAlong, firstHalf, found.linePeak?.radius_um);
  return finish(rig, p, refined);
}

/** Re-peaks from where the stage stands (tracking): no first light. */
export async function realign(rig: AlignRig, p: AlignParams, radiusHint_um?: number): Promise<AlignResult> {
  const at = await rig.position();
  const r = scanRadius(radiusHint_um);
  try {
    return await finish(rig, p, await repeak(rig, p, at, 'x', 1.6 * r, r));
  } catch (err) {
    // Drifted out of reach of a re-peak: search again around where it was.
    if (!(err instanceof LostLightError)) throw err;
    rig.ctx.log(`align: ${err.message}; searching again`);
    return runAlignment(rig, p, at);
  }
}
