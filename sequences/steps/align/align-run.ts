// One alignment, start to finish: first light, fine peaking, 2-D Gaussian refinement, then the move to
// the peak, the final reading and its check (finish.ts). `realign` is the same from fine peaking on, for
// tracking. Fly mode needs the step's clock to follow the instruments; where a log shows it does not
// (FlyTimingError), the alignment is done by step-and-read instead.
import { FitError } from '../../../models/fits/fit-error.ts';
import type { Gaussian2DFit, ScanPoint } from '../../../models/fits/gaussian2d.ts';
import { ditherPeak } from './dither.ts';
import { FlyTimingError, LostLightError } from './errors.ts';
import { NOMINAL_PROFILE_RADIUS_UM, flyRefine, scanRadius } from './fine.ts';
import type { Refined } from './fine.ts';
import { finish } from './finish.ts';
import type { AlignResult } from './finish.ts';
import { flyFirstLight, stepFirstLight } from './first-light.ts';
import type { PeakEstimate } from './first-light.ts';
import type { FlySegment } from './fly.ts';
import { gridFitPeak } from './grid-fit.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';
import { defaultPitch_um } from './schema.ts';
import type { AlignParams } from './schema.ts';
import { simplexPeak } from './simplex.ts';
import { stepRepeak } from './verify.ts';

export { approachFrom } from './finish.ts';
export type { AlignResult } from './finish.ts';

function fromFit(centre: Point_um, fit: Gaussian2DFit | FitError, points: ScanPoint[], fallbackRadius_um: number): Refined {
  if (fit instanceof FitError) return { centre, radius_um: fallbackRadius_um, notes: [`2-D Gaussian refinement not fitted (${fit.reason}): ${fit.message}`] };
  return { centre: { x_um: fit.x0_um, y_um: fit.y0_um }, fit, points, radius_um: fit.radius_um, notes: [] };
}

async function stepRefine(rig: AlignRig, p: AlignParams, from: Point_um, radius_um: number): Promise<Refined> {
  rig.phase = 'refinement (2-D Gaussian fit)';
  const r = await gridFitPeak(rig, from, { n: 3, half_um: 0.5 * radius_um, averaging_s: p.averaging, phase: 'refine', maxRounds: 2 });
  return fromFit(r.centre, r.fit, r.points, radius_um);
}

/** Fine peaking and refinement from an estimate (after first light, or when tracking). */
export async function repeak(rig: AlignRig, p: AlignParams, from: PeakEstimate, flown: readonly FlySegment[] = []): Promise<Refined> {
  const radius = scanRadius(from.radius_um);
  // Fly mode fits the stage's lag and play at the end (finish.ts): one refinement line always flown gives it a second speed.
  const refineOptions = { accuracy_um: p.accuracy, profileRadius_um: NOMINAL_PROFILE_RADIUS_UM, minRefineLines: 1 };
  if (p.fine === 'fit') {
    if (p.fly) return flyRefine(rig, { ...from, radius_um: radius }, flown, refineOptions);
    rig.phase = 'fine peaking (step grid fit)';
    const g = await gridFitPeak(rig, from.at, { n: 5, half_um: radius, averaging_s: p.averaging, phase: 'fine', maxRounds: 4 });
    return stepRefine(rig, p, g.centre, g.fit instanceof FitError ? radius : scanRadius(g.fit.radius_um));
  }
  rig.phase = `fine peaking (${p.fine})`;
  const evaluate = rig.evaluator('fine', p.averaging);
  const climbed = p.fine === 'gradient'
    ? await ditherPeak(evaluate, from.at, { dither_um: 0.3 * radius, tolerance_um: Math.max(p.accuracy, 0.05), maxStep_um: 2 * radius })
    : await simplexPeak(evaluate, from.at, { initialStep_um: 0.4 * radius, tolerance_um: Math.max(p.accuracy, 0.05) });
  if (p.fly) return flyRefine(rig, { at: climbed.position, range: { x_um: 1, y_um: 1 }, radius_um: radius }, [], refineOptions);
  return stepRefine(rig, p, climbed.position, radius);
}

/**
 * Runs `body` with the fly ramps on the stage (fly mode) and puts the user's back afterwards, whatever
 * happened; a failure to restore is a warning when the body already failed, and the error otherwise.
 */
async function withFlyRamps<T>(rig: AlignRig, p: AlignParams, body: () => Promise<T>): Promise<T> {
  if (!p.fly) return body();
  await rig.useFlyRamps();
  let result: T;
  try {
    result = await body();
  } catch (err) {
    await rig.restoreRamps().catch((e: unknown) => rig.ctx.warn(`align: the stage's velocity and acceleration could not be put back: ${e instanceof Error ? e.message : String(e)}`));
    throw err;
  }
  await rig.restoreRamps();
  return result;
}

/**
 * Runs `align` with `p`, in fly mode if asked and the step's clock can time it; when a log shows it
 * cannot (FlyTimingError, thrown at the first segment), runs it again by step-and-read.
 */
async function withTimingFallback(rig: AlignRig, p: AlignParams, align: (q: AlignParams) => Promise<AlignResult>): Promise<AlignResult> {
  const q = p.fly && !rig.flyTimingUsable ? { ...p, fly: false } : p;
  try {
    return await align(q);
  } catch (err) {
    if (!(err instanceof FlyTimingError) || !q.fly) throw err;
    rig.ctx.log(`${err.message}; aligning by step-and-read instead`);
    const r = await align({ ...p, fly: false });
    return { ...r, notes: [`aligned by step-and-read, not fly scans: ${err.message.replace(/^align: /, '')}`, ...r.notes] };
  }
}

/** First light around `centre`, then fine peaking, refinement and the final check. */
function search(rig: AlignRig, p: AlignParams, centre: Point_um): Promise<AlignResult> {
  return withTimingFallback(rig, p, (q) => withFlyRamps(rig, q, async () => {
    const found = await (q.fly ? flyFirstLight : stepFirstLight)(rig, {
      centre, radius_um: q.search_radius, pitch_um: defaultPitch_um(q), method: q.first_light, threshold: q.threshold, averaging_s: q.averaging,
      profileRadius_um: NOMINAL_PROFILE_RADIUS_UM,
    });
    rig.ctx.log(`align: first light ${found.power_dBm.toFixed(1)} dBm at (${found.at.x_um.toFixed(2)}, ${found.at.y_um.toFixed(2)}) µm after ${rig.readings} readings`);
    return finish(rig, q, await peakedOrStepped(rig, q, () => repeak(rig, q, found, found.segments)));
  }));
}

/**
 * Fly peaking, or when its lines lose the light that first light found (their estimate was far off: a
 * timing error), the step-and-read re-peak around the best reading.
 */
async function peakedOrStepped(rig: AlignRig, p: AlignParams, peak: () => Promise<Refined>): Promise<Refined> {
  try {
    return await peak();
  } catch (err) {
    const best = rig.best;
    if (!(err instanceof LostLightError) || !p.fly || !best) throw err;
    rig.ctx.log(`${err.message}; re-peaking by step-and-read around the best reading`);
    const r = await stepRepeak(rig, best.at, -Infinity, undefined, { averaging_s: p.averaging, radius_um: NOMINAL_PROFILE_RADIUS_UM });
    return { ...r, notes: [`fly peaking lost the light (${err.message.replace(/^align: /, '')}); re-peaked by step-and-read around the best reading`, ...r.notes] };
  }
}

/** A whole alignment around `centre` (its own max_time budget). */
export async function runAlignment(rig: AlignRig, p: AlignParams, centre: Point_um): Promise<AlignResult> {
  rig.startAlignment();
  return search(rig, p, centre);
}

/** Re-peaks from where the stage stands (tracking): no first light unless the light is out of reach. */
export async function realign(rig: AlignRig, p: AlignParams, radiusHint_um?: number): Promise<AlignResult> {
  rig.startAlignment();
  const at = await rig.position();
  const r = scanRadius(radiusHint_um);
  try {
    return await withTimingFallback(rig, p, (q) => withFlyRamps(rig, q, async () => finish(rig, q, await repeak(rig, q, { at, range: { x_um: r, y_um: r }, radius_um: r }))));
  } catch (err) {
    // Drifted out of reach of a re-peak: search again around where it was.
    if (!(err instanceof LostLightError)) throw err;
    rig.ctx.log(`align: ${err.message}; searching again`);
    return search(rig, p, at);
  }
}
