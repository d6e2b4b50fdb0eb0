// The end of an alignment: move to the refined peak (approaching it the way it was measured), read the
// final power, and check it. Fly mode checks the timing on the way: the approach runs back over the
// peak, so with it the samples hold motion both ways, and a timing lag that reconciles them
// (timing-lag.ts) means every one-way estimate was off; the peak is refitted with the lag taken out.
// When the final power falls short of what the fly scans promised, out-and-back pairs re-peak once.
// Software-timed logs on links whose latency varies more than the accuracy allows at the lines' speed
// skip both: each axis is peaked at rest instead (rest-peak.ts), which no timing error reaches.
// Last, whatever the mode, the final check (verify.ts): a final power far below the peak the scans saw
// re-peaks by step-and-read, and if that does not reach it either, the alignment fails.
import { chipModeRadius_um } from '../../../models/coupling.ts';
import { gaussianTolerances } from '../../../models/fits/gaussian2d.ts';
import type { Gaussian2DFit } from '../../../models/fits/gaussian2d.ts';
import { AlignVerificationError, LostLightError } from './errors.ts';
import { inFrame, scanRadius } from './fine.ts';
import type { Frame, Refined } from './fine.ts';
import type { FlySample, FlySegment } from './fly.ts';
import { pairRefine } from './pairs.ts';
import type { Point_um } from './paths.ts';
import type { AlignRig } from './rig.ts';
import type { AlignParams } from './schema.ts';
import { fitTiming } from './timing-lag.ts';
import type { TimingFit } from './timing-lag.ts';
import { APPROACH_UM, approachFrom } from './approach.ts';
import { restPeak, restPeakReason } from './rest-peak.ts';
import { VERIFY_DB, describeShortfall, meetsEvidence, peakEvidence, stepRepeak } from './verify.ts';

export { approachFrom } from './approach.ts';

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

/**
 * A lag of the stage behind its timing estimate that the final move allows for without backing off again,
 * s: a DC-servo position loop of 160 Hz bandwidth or more lags by at most 1/(2π·160 Hz) ≈ 1 ms (the
 * timing fit's prior is wider, 3 ms: a larger lag still works, with one more approach).
 */
const LAG_ALLOWANCE_S = 1e-3;

/** The peak power the fly refinement promises: its 2-D fit's, or the brightest line top, dBm (−Infinity: none). */
function promised_dBm(r: Refined): number {
  const fitted = r.fit ? 10 * Math.log10(r.fit.peak_mW + r.fit.background_mW) : -Infinity;
  return Math.max(fitted, r.linePeak_dBm ?? -Infinity);
}

/**
 * How far the timing check may move the centre back towards an approach, per axis, µm: a lag of
 * LAG_ALLOWANCE_S at the speed the frame's samples crossed the peak with (a lag λ puts the centre
 * λ·v back against the motion).
 */
export function recentreAllowance_um(segments: readonly FlySegment[], frame: Frame): { x: number; y: number } {
  const samples = segments.flatMap((seg) => seg.samples.filter((s) => inFrame(s, frame) && Number.isFinite(s.power_dBm)));
  let top = -Infinity;
  for (const s of samples) top = Math.max(top, s.power_dBm);
  // The crossing speed: the fastest of the samples within 1 dB of the top (the lines' crossings).
  const near = samples.filter((s) => s.power_dBm >= top - 1);
  const speed = (v: (s: FlySample) => number): number => near.reduce((m, s) => Math.max(m, Math.abs(v(s))), 0);
  return { x: LAG_ALLOWANCE_S * speed((s) => s.vx_um_s), y: LAG_ALLOWANCE_S * speed((s) => s.vy_um_s) };
}

/**
 * Flies the approach to `r`'s centre when its frame asks for one (the segment, for the timing check);
 * `allowance_um` is added to the back-off (recentreAllowance_um).
 */
async function approach(rig: AlignRig, r: Refined, allowance_um = { x: 0, y: 0 }) {
  const back = { x: APPROACH_UM + allowance_um.x, y: APPROACH_UM + allowance_um.y };
  const via = r.frame && rig.at ? approachFrom(rig.at, r.centre, r.frame, back) : null;
  return via ? rig.flyTo(via, 'approach') : null;
}

/** Moves to `r`'s centre (approached its way) and reads the final power. */
async function settle(rig: AlignRig, p: AlignParams, r: Refined, approached = false): Promise<number> {
  rig.phase = 'final reading';
  await rig.checkpoint();
  if (!approached) await approach(rig, r);
  await rig.moveTo(r.centre);
  return rig.read_dBm(p.final_averaging);
}

/** A hardware-synchronised lag known worse than this is left out (the one-way estimate stands), s. */
const HARDWARE_LAG_SIGMA_MAX_S = 0.1e-3;

/**
 * Why the lag-and-play fit cannot be used for the final move (undefined when it can): hardware-started
 * logs always apply it, so it must be pinned down; software-timed ones apply it only when significant.
 * Either way a lag the data cannot tell from the play would put the motor off by the play's error.
 */
export function undetermined(timing: TimingFit | undefined, hardware: boolean): string | undefined {
  if (!timing) return hardware ? 'the stage lag is not determined by the fly lines (no fit)' : undefined;
  if ((hardware || timing.significant) && !timing.separable) {
    const r = timing.lagPlayCorrelation;
    return `the fly lines cannot tell the stage lag from the play (every crossing of an axis at one speed: correlation ${r.x.toFixed(2)} (x), ${r.y.toFixed(2)} (y))`;
  }
  if (hardware && timing.lagSigma_s > HARDWARE_LAG_SIGMA_MAX_S) {
    return `the stage lag is not determined by the fly lines (σ ${(timing.lagSigma_s * 1000).toFixed(2)} ms)`;
  }
  return undefined;
}

/** The fly timing check: `refined` as it was, or with the centre the lag-and-play fit gives. */
async function timingChecked(rig: AlignRig, refined: Refined): Promise<{ refined: Refined; approached: boolean }> {
  rig.phase = 'final reading';
  await rig.checkpoint();
  // Hardware-started logs always apply the fitted lag, which moves the centre back towards the approach:
  // backing off by that much more spares a second approach after the fit.
  const allowance = rig.motionTrigger && refined.segments && refined.frame ? recentreAllowance_um(refined.segments, refined.frame) : undefined;
  const flownApproach = await approach(rig, refined, allowance);
  if (!refined.segments || !refined.frame) return { refined, approached: true };
  const flown = flownApproach ? [...refined.segments, flownApproach] : refined.segments;
  // Hardware-started logs leave only the stage's own lag (servo following, trigger latency): real and
  // never zero, so it is fitted whenever the data pins it down, not only when it stands out of the noise.
  const hw = rig.motionTrigger !== undefined;
  const timing = fitTiming(flown, rig.floor_dBm, refined, hw ? { significance: 0, min_s: 0 } : {});
  const why = undetermined(timing, hw);
  if (why) {
    // The peaking data does not pin the stage's lag down: measure it — out-and-back pairs see it as equal
    // and opposite shifts, so their mean is free of it (pairs.ts).
    rig.ctx.log(`align: ${why}; re-peaking with out-and-back pairs`);
    const again = await pairRefine(rig, refined.centre, refined.radius_um);
    return { refined: { ...again, notes: [...refined.notes, `fly timing: ${why}`, ...again.notes] }, approached: false };
  }
  if (!timing?.significant) return { refined, approached: true };
  // Every one-way estimate was off by lag × velocity: take the centre of the fit that knows it, and time
  // the scans from here on with the lag added. Approached the frame's way, the motor stands half the
  // play beyond where the fiber ends up.
  rig.lag_s += timing.lag_s;
  const f = refined.frame;
  const centre = { x_um: timing.centre.x_um + (f.x ?? 0) * timing.halfPlay_um.x, y_um: timing.centre.y_um + (f.y ?? 0) * timing.halfPlay_um.y };
  rig.ctx.log(`align: the fly scans ran ${(timing.lag_s * 1000).toFixed(2)} ms later than timed; peak refitted with the lag (and the play) as parameters`);
  return {
    refined: {
      ...refined, centre, radius_um: timing.radius_um,
      notes: [...refined.notes, `fly timing corrected by ${(timing.lag_s * 1000).toFixed(2)} ± ${(timing.lagSigma_s * 1000).toFixed(2)} ms; ` +
        `half play ${timing.halfPlay_um.x.toFixed(2)} µm (x), ${timing.halfPlay_um.y.toFixed(2)} µm (y)`],
    },
    approached: false,
  };
}

export async function finish(rig: AlignRig, p: AlignParams, refined: Refined): Promise<AlignResult> {
  // Every refinement made on the way: the final check holds the result to all their evidence.
  const seen: Refined[] = [refined];
  let r = refined;
  let approached = false;
  // Software-timed logs on links whose timing varies: each axis peaked again at rest (rest-peak.ts),
  // which no timing error reaches; otherwise the timing check.
  const rest = restPeakReason(rig, p.fly, refined, p.accuracy);
  if (rest) [r, approached] = [await restPeak(rig, refined, p.averaging, rest), true];
  else if (p.fly) ({ refined: r, approached } = await timingChecked(rig, refined));
  let power_dBm = await settle(rig, p, r, approached);
  // Peaked at rest, the centre owes nothing to the fly timing: out-and-back pairs (fly lines, timed the
  // same way) could not do better, and the final check below still holds it to the scans' evidence.
  if (p.fly && !rest && power_dBm < promised_dBm(r) - VERIFY_DB) {
    rig.ctx.log(`align: final power ${power_dBm.toFixed(2)} dBm is ${(promised_dBm(r) - power_dBm).toFixed(2)} dB short of the peak the scans saw; ` +
      're-peaking with out-and-back pairs');
    try {
      const again = await pairRefine(rig, r.centre, r.radius_um);
      seen.push(again);
      r = { ...again, notes: [...r.notes, ...again.notes] };
    } catch (err) {
      // The pairs missed the light (the estimate was too far off): the final check re-peaks without them.
      if (!(err instanceof LostLightError)) throw err;
      rig.ctx.log(err.message);
    }
    power_dBm = await settle(rig, p, r);
  }
  const evidence = peakEvidence(seen, rig.best);
  if (!meetsEvidence(power_dBm, evidence)) {
    const shortfall = describeShortfall(power_dBm, evidence);
    rig.ctx.log(`align: ${shortfall}; re-peaking by step-and-read around the best reading`);
    const first_dBm = power_dBm;
    const again = await stepRepeak(rig, r.centre, power_dBm, rig.best?.at, { averaging_s: p.averaging, radius_um: scanRadius(r.radius_um) });
    const earlier = r.notes;
    r = again;
    power_dBm = await settle(rig, p, r);
    // Held to the same evidence, and to any brighter reading the re-peak itself made.
    const after = peakEvidence([...seen, again], rig.best);
    if (!meetsEvidence(power_dBm, after)) {
      throw new AlignVerificationError({
        final_dBm: power_dBm, firstFinal_dBm: first_dBm, seen_dBm: after.strongest?.power_dBm ?? NaN, seenAs: after.strongest?.what ?? 'the peak',
        required_dBm: after.required_dBm, ...(after.best ? { best: after.best } : {}),
      });
    }
    r = { ...r, notes: [...earlier, `final check: ${shortfall}; re-peaked by step-and-read around the best reading: ${power_dBm.toFixed(2)} dBm`, ...again.notes] };
  }
  return resultOf(rig, p, r, power_dBm);
}

function resultOf(rig: AlignRig, p: AlignParams, r: Refined, power_dBm: number): AlignResult {
  rig.phase = 'done';
  const notes = [...r.notes];
  let modeRadius_um = NaN;
  try {
    modeRadius_um = chipModeRadius_um(r.radius_um, p.fiber_mode_radius, p.couplers);
  } catch (err) {
    notes.push(`chip mode radius not derived: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    position: r.centre,
    power_dBm,
    ...(r.fit ? { fit: r.fit } : {}),
    profileRadius_um: r.radius_um,
    modeRadius_um,
    tolerance1dB_um: gaussianTolerances({ radius_um: r.radius_um, sigma: { x0_um: 0, y0_um: 0, peak_mW: 0, radius_um: 0, background_mW: 0 } }).tolerance1dB_um,
    readings: rig.readings,
    time_s: rig.elapsed_s(),
    notes,
  };
}
