// One alignment, start to finish: first light, fine peaking, 2-D Gaussian refinement, move to the fitted
// peak and read the final power. `repeak` is the same from fine peaking on, for tracking.
import { chipModeRadius_um } from '../../../models/coupling.ts';
import { FitError } from '../../../models/fits/fit-error.ts';
import { gaussianTolerances } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit } from '../../../models/fits/gaussian2d.ts';
import { ditherPeak } from './dither.ts';
import { LostLightError } from './errors.ts';
import { flyRefine } from './fine.ts';
import type { Frame, Refined } from './fine.ts';
import { flyFirstLight, stepFirstLight } from './first-light.ts';
import type { PeakEstimate } from './first-light.ts';
import type { FlySegment } from './fly.ts';
import { gridFitPeak } from './grid-fit.ts';
import { pairRefine } from './pairs.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';
import { defaultPitch_um } from './schema.ts';
import type { AlignParams } from './schema.ts';
import { simplexPeak } from './simplex.ts';
import { fitTiming } from './timing-lag.ts';

/** 1/e² radius of the coupled-power profile assumed before a fit has measured it (SMF on a grating loopback). */
const NOMINAL_PROFILE_RADIUS_UM = 5.2;
/**
 * The last stretch of the final move, run in the direction the centre was measured in: longer than any
 * mechanical play of a fiber-alignment stage, so the play is taken up the same way as during the scans.
 */
const APPROACH_UM = 1;
/**
 * The final power may fall this far short of the peak the 2-D fit promised before the result is
 * distrusted (the fly timing was off: a lag between the meter's and the stage's clocks moves every
 * one-way line by lag × velocity) and the peak re-measured with out-and-back pairs. Far above the
 * reading and fit noise (a few hundredths of a dB); a fiber 1 µm off a 5 µm profile loses 0.3 dB.
 */
const VERIFY_DB = 0.2;

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

function fromFit(centre: Point_um, fit: Gaussian2DFit | FitError, fallbackRadius_um: number): Refined {
  if (fit instanceof FitError) return { centre, radius_um: fallbackRadius_um, notes: [`2-D Gaussian refinement not fitted (${fit.reason}): ${fit.message}`] };
  return { centre: { x_um: fit.x0_um, y_um: fit.y0_um }, fit, radius_um: fit.radius_um, notes: [] };
}

/** Radius to size scans by: measured when a line fit gave a plausible one, nominal otherwise. */
function scanRadius(measured: number | undefined): number {
  return measured !== undefined && measured > 1 && measured < 50 ? measured : NOMINAL_PROFILE_RADIUS_UM;
}

async function stepRefine(rig: AlignRig, p: AlignParams, from: Point_um, radius_um: number): Promise<Refined> {
  rig.phase = 'refinement (2-D Gaussian fit)';
  const r = await gridFitPeak(rig, from, { n: 3, half_um: 0.5 * radius_um, averaging_s: p.averaging, phase: 'refine', maxRounds: 2 });
  return fromFit(r.centre, r.fit, radius_um);
}

/** Fine peaking and refinement from an estimate (after first light, or when tracking). */
export async function repeak(rig: AlignRig, p: AlignParams, from: PeakEstimate, flown: readonly FlySegment[] = []): Promise<Refined> {
  const radius = scanRadius(from.radius_um);
  const refineOptions = { accuracy_um: p.accuracy, profileRadius_um: NOMINAL_PROFILE_RADIUS_UM };
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

/** Where to come from so that the last APPROACH_UM of each axis runs the way its centre was measured. */
export function approachFrom(at: Point_um, target: Point_um, frame: Frame): Point_um | null {
  const before = (axis: 'x' | 'y'): number | null => {
    const d = frame[axis];
    if (d === undefined) return null;
    const from = axis === 'x' ? at.x_um : at.y_um, to = axis === 'x' ? target.x_um : target.y_um;
    return d * (to - from) >= APPROACH_UM ? null : to - d * APPROACH_UM;
  };
  const bx = before('x'), by = before('y');
  if (bx === null && by === null) return null;
  return { x_um: bx ?? at.x_um, y_um: by ?? at.y_um };
}

/** The peak power the refinement promises: its 2-D fit's, or the brightest line top, dBm (−Infinity: none). */
function promised_dBm(r: Refined): number {
  const fitted = r.fit ? 10 * Math.log10(r.fit.peak_mW + r.fit.background_mW) : -Infinity;
  return Math.max(fitted, r.linePeak_dBm ?? -Infinity);
}

/** What finish() still checks: the fly timing (then the power), only the power, or nothing. */
type Checks = 'timing' | 'power' | 'none';

/**
 * Moves to the refined peak (approaching it the way it was measured) and reads the final power. Fly
 * mode checks on the way: the approach runs back over the peak, so with it the samples hold motion both
 * ways, and a timing lag that reconciles them (timing-lag.ts) means every one-way estimate was off; the
 * peak is refitted with the lag taken out. Then, when the final power falls short of what the scans saw,
 * it re-peaks once with out-and-back pairs and finishes from those.
 */
async function finish(rig: AlignRig, p: AlignParams, refined: Refined, checks: Checks = 'timing'): Promise<AlignResult> {
  rig.phase = 'final reading';
  await rig.checkpoint();
  const via = refined.frame && rig.at ? approachFrom(rig.at, refined.centre, refined.frame) : null;
  const approach = via ? await rig.flyTo(via, 'approach') : null;
  if (checks === 'timing' && p.fly && refined.segments && refined.frame) {
    const flown = approach ? [...refined.segments, approach] : refined.segments;
    const timing = fitTiming(flown, rig.floor_dBm, refined);
    if (timing?.significant) {
      // Every one-way estimate was off by lag × velocity: take the centre of the fit that knows it, and
      // time the scans from here on with the lag added. Approached the frame's way, the motor stands half
      // the play beyond where the fiber ends up.
      rig.lag_s += timing.lag_s;
      const f = refined.frame;
      const centre = { x_um: timing.centre.x_um + (f.x ?? 0) * timing.halfPlay_um.x, y_um: timing.centre.y_um + (f.y ?? 0) * timing.halfPlay_um.y };
      rig.ctx.log(`align: the fly scans ran ${(timing.lag_s * 1000).toFixed(2)} ms later than timed; peak refitted with the lag (and the play) as parameters`);
      return finish(rig, p, {
        ...refined, centre, radius_um: timing.radius_um,
        notes: [...refined.notes, `fly timing corrected by ${(timing.lag_s * 1000).toFixed(2)} ± ${(timing.lagSigma_s * 1000).toFixed(2)} ms; ` +
          `half play ${timing.halfPlay_um.x.toFixed(2)} µm (x), ${timing.halfPlay_um.y.toFixed(2)} µm (y)`],
      }, 'power');
    }
  }
  await rig.moveTo(refined.centre);
  const power_dBm = await rig.read_dBm(p.final_averaging);
  const promised = promised_dBm(refined);
  if (checks !== 'none' && p.fly && power_dBm < promised - VERIFY_DB) {
    rig.ctx.log(`align: final power ${power_dBm.toFixed(2)} dBm is ${(promised - power_dBm).toFixed(2)} dB short of the peak the scans saw; ` +
      're-peaking with out-and-back pairs');
    const again = await pairRefine(rig, refined.centre, refined.radius_um);
    return finish(rig, p, { ...again, notes: [...refined.notes, ...again.notes] }, 'none');
  }
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

/** A whole alignment around `centre`. */
export async function runAlignment(rig: AlignRig, p: AlignParams, centre: Point_um): Promise<AlignResult> {
  return withFlyRamps(rig, p, async () => {
    const pitch = defaultPitch_um(p);
    const found = await (p.fly ? flyFirstLight : stepFirstLight)(rig, {
      centre, radius_um: p.search_radius, pitch_um: pitch, method: p.first_light, threshold: p.threshold, averaging_s: p.averaging,
      profileRadius_um: NOMINAL_PROFILE_RADIUS_UM,
    });
    rig.ctx.log(`align: first light ${found.power_dBm.toFixed(1)} dBm at (${found.at.x_um.toFixed(2)}, ${found.at.y_um.toFixed(2)}) µm after ${rig.readings} readings`);
    return finish(rig, p, await repeak(rig, p, found, found.segments));
  });
}

/** Re-peaks from where the stage stands (tracking): no first light. */
export async function realign(rig: AlignRig, p: AlignParams, radiusHint_um?: number): Promise<AlignResult> {
  const at = await rig.position();
  const r = scanRadius(radiusHint_um);
  try {
    return await withFlyRamps(rig, p, async () => finish(rig, p, await repeak(rig, p, { at, range: { x_um: r, y_um: r }, radius_um: r })));
  } catch (err) {
    // Drifted out of reach of a re-peak: search again around where it was.
    if (!(err instanceof LostLightError)) throw err;
    rig.ctx.log(`align: ${err.message}; searching again`);
    return runAlignment(rig, p, at);
  }
}
