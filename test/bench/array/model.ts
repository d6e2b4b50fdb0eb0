// The array benchmark's independent reference: each channel's noise-free power (dB, up to a constant
// common to all) from the simulator's hidden chip at any pose, and the joint optimum of the weakest
// channel (plus the mean, as the step's search defines `min`) found by Nelder–Mead (fmin) over all six axes within the bench file's soft limits — never
// through the instruments, so it cannot share a flaw of the aligner's measurements.
import { nelderMead } from 'fmin/index.js';
import { MIN_MEAN_WEIGHT } from '../../../sequences/steps/align/array-search.ts';
import { SIM_HEXAPOD_AXES, SIM_HEXAPOD_ROTATION_LIMITS_DEG } from '../../../sim/link/bench-file.ts';
import type { ArrayTruthSnapshot } from '../../../sim/world/array-world.ts';
import { FiberArrayChip, fiberTip } from '../../../sim/world/fiber-array.ts';
import { placePoint, rotation } from '../../../sim/world/pose.ts';
import type { Pose, Vec3 } from '../../../sim/world/pose.ts';

export interface Reference {
  chip: FiberArrayChip;
  pivot: Vec3;
  wavelength_nm: number;
}

export function reference(truth: ArrayTruthSnapshot, pivot: Vec3, wavelength_nm: number): Reference {
  return { chip: new FiberArrayChip(truth.config, truth.chip), pivot, wavelength_nm };
}

/** Each fiber's channel power in dB (relative: coupling in × coupling out × its return loss) at `pose`, with the cure's pull. */
export function channelPowers_dB(ref: Reference, pose: Pose, cure: { dx_um: number; dz_um: number } = { dx_um: 0, dz_um: 0 }): number[] {
  const { chip } = ref;
  const r = rotation(pose.u_deg, pose.v_deg, pose.w_deg);
  const c = (f: number): number => {
    const t = placePoint(pose, ref.pivot, fiberTip(chip.config, f));
    return chip.coupling(f, chip.geometry(f, [t[0] + cure.dx_um, t[1], t[2] + cure.dz_um], r), ref.wavelength_nm);
  };
  return Array.from({ length: chip.config.count }, (_, i) => {
    const f = i + 1;
    return 10 * Math.log10(c(chip.partner(f) ?? f) * c(f)) - chip.returnLoss_dB(f);
  });
}

const L = SIM_HEXAPOD_AXES;
const R = SIM_HEXAPOD_ROTATION_LIMITS_DEG;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Variables in µm and hundredths of a degree, so one simplex step is comparable on every axis. */
function toPose(x: number[]): Pose {
  return {
    x_um: clamp(x[0] as number, L.X.min_um, L.X.max_um), y_um: clamp(x[1] as number, L.Y.min_um, L.Y.max_um), z_um: clamp(x[2] as number, L.Z.min_um, L.Z.max_um),
    u_deg: clamp((x[3] as number) / 100, R.U[0], R.U[1]), v_deg: clamp((x[4] as number) / 100, R.V[0], R.V[1]), w_deg: clamp((x[5] as number) / 100, R.W[0], R.W[1]),
  };
}

/** The pose maximising the weakest of `channels` (1-based), from the chip's nominal match, restarted until it stops improving. */
export function jointOptimum(ref: Reference, truth: ArrayTruthSnapshot, channels: readonly number[]): { pose: Pose; powers_dB: number[] } {
  const t = truth.chip;
  const cost = (x: number[]): number => {
    const p = channelPowers_dB(ref, toPose(x));
    const own = channels.map((c) => p[c - 1] as number);
    // The weakest channel plus the mean, as the step's search defines `min` (the weakest alone leaves
    // the optimum anywhere along its own ridge, and a channel-by-channel comparison would mean nothing).
    return -(Math.min(...own) + MIN_MEAN_WEIGHT * (own.reduce((a, b) => a + b, 0) / own.length));
  };
  let x = [t.offset_um.x_um, t.offset_um.y_um, t.bestGap_um - t.surfaceDepth_um, t.tip_deg * 100, t.tilt_deg * 100, t.roll_deg * 100];
  let fx = cost(x);
  // sigma 1: fmin 0.0.4's shrink step uses an undeclared variable (throws in strict mode), so the
  // simplex stops where it would shrink and is restarted from its best vertex instead.
  for (let k = 0; k < 30; k++) {
    const r = nelderMead(cost, x, { zeroDelta: 0.5, nonZeroDelta: 1.02, maxIterations: 3000, minErrorDelta: 1e-9, sigma: 1 });
    if (!(r.fx < fx - 1e-7)) break;
    x = r.x;
    fx = r.fx;
  }
  const pose = toPose(x);
  return { pose, powers_dB: channelPowers_dB(ref, pose) };
}
