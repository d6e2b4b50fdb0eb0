// A fiber-array unit over a row of grating couplers (issue 12). The array holds `count` fibers at
// `pitch_um` along platform X, facet centre at ARRAY_FACET_UM in platform coordinates, fibers pointing
// down (−Z) at the chip. The chip's coupler row sits under it at the same pitch, with small per-coupler
// fabrication offsets; where the chip really lies (offset, roll, tip, tilt, height) is hidden by the seed.
// Each channel's coupling follows from its own fiber tip's offset from its own coupler, in the chip's
// frame: Gaussian overlap laterally (models/coupling.ts), the gap (free propagation from the facet to
// the best height), the angle between fiber and coupler axes, and the grating spectrum, whose centre
// moves with the angle of incidence along the waveguide (tip, about X) by GRATING_SHIFT_NM_PER_DEG.
import { gapCoupling, lateralCoupling, tiltCoupling } from '../../models/coupling.ts';
import { gratingTransmission } from '../../models/grating.ts';
import type { GratingCoupler } from '../../models/grating.ts';
import type { SeededRandom } from '../random.ts';
import { apply, rotation, transpose } from './pose.ts';
import type { Mat3, Vec3 } from './pose.ts';

export interface FiberArrayConfig {
  /** Number of fibers (8 to 32 on co-packaged optics). */
  count: number;
  pitch_um: number;
  /** 1/e² field radius of each fiber's mode, µm (SMF-28: 5.2). */
  modeRadius_um: number;
  /** Facet polish angle, degrees (the couplers are designed for an 8° array). */
  polishAngle_deg: number;
  /** Loopback pairs on the chip, 1-based fiber numbers: light in on one comes out of the other. */
  loopbacks: readonly (readonly [number, number])[];
}

export const DEFAULT_FIBER_ARRAY: FiberArrayConfig = Object.freeze({
  count: 8,
  pitch_um: 127,
  modeRadius_um: 5.2,
  polishAngle_deg: 8,
  loopbacks: Object.freeze([Object.freeze([1, 8] as const)]),
});

/** Where the facet centre sits on the hexapod's platform (platform coordinates, µm): 45 mm below it. */
export const ARRAY_FACET_UM: Vec3 = [0, 0, -45_000];
/** Polish angle the chip's couplers were designed for, degrees. */
export const DESIGN_POLISH_DEG = 8;
/** Grating couplers' centre-wavelength shift per degree of incidence along the waveguide, nm/°. */
export const GRATING_SHIFT_NM_PER_DEG = 11;
/** Refractive index of the fiber core, for the angle the polished facet emits at. */
const CORE_INDEX = 1.4682;

export interface ArrayChipTruth {
  /** Chip row centre relative to the facet centre at the zero pose, µm (x, y). */
  offset_um: { x_um: number; y_um: number };
  /** Chip rotations about Z (roll), X (tip) and Y (tilt), degrees. */
  roll_deg: number;
  tip_deg: number;
  tilt_deg: number;
  /** Height of the chip surface below the facet centre at the zero pose, µm. */
  surfaceDepth_um: number;
  /** Facet height above the surface with the best coupling, µm. */
  bestGap_um: number;
  /** Per-coupler fabrication offsets in the chip frame, µm. */
  couplerOffsets_um: { x_um: number; y_um: number }[];
  couplers: GratingCoupler[];
  chipModeRadius_um: number[];
  /** Loss of each loopback's waveguide, dB (index as config.loopbacks). */
  loopbackLoss_dB: number[];
  /** Loss of the loop mirror terminating each unpaired coupler, dB (index = fiber − 1; 0 for paired ones). */
  mirrorLoss_dB: number[];
}

/** Checks a configuration; throws RangeError naming the field and what was expected. */
export function checkFiberArray(c: FiberArrayConfig): void {
  if (!Number.isInteger(c.count) || c.count < 2 || c.count > 64) throw new RangeError(`fiber array: count must be an integer 2-64, got ${c.count}`);
  if (!(c.pitch_um > 0 && Number.isFinite(c.pitch_um))) throw new RangeError(`fiber array: pitch_um must be a positive number, got ${c.pitch_um}`);
  if (!(c.modeRadius_um > 0 && Number.isFinite(c.modeRadius_um))) throw new RangeError(`fiber array: modeRadius_um must be a positive number, got ${c.modeRadius_um}`);
  if (!(Math.abs(c.polishAngle_deg) <= 15)) throw new RangeError(`fiber array: polishAngle_deg must be within ±15°, got ${c.polishAngle_deg}`);
  const used = new Set<number>();
  for (const [a, b] of c.loopbacks) {
    for (const f of [a, b]) {
      if (!Number.isInteger(f) || f < 1 || f > c.count) throw new RangeError(`fiber array: loopback fiber ${f} must be 1-${c.count}`);
      if (used.has(f)) throw new RangeError(`fiber array: fiber ${f} is in two loopbacks`);
      used.add(f);
    }
    if (a === b) throw new RangeError(`fiber array: a loopback joins two different fibers, got ${a} and ${b}`);
  }
}

export function drawArrayChip(c: FiberArrayConfig, rng: SeededRandom): ArrayChipTruth {
  const bestGap_um = rng.uniform(18, 25);
  const centre_nm = rng.uniform(1545, 1555);
  const paired = new Set(c.loopbacks.flat());
  return {
    offset_um: { x_um: rng.uniform(-50, 50), y_um: rng.uniform(-50, 50) },
    roll_deg: rng.uniform(-0.5, 0.5),
    tip_deg: rng.uniform(-0.2, 0.2),
    tilt_deg: rng.uniform(-0.2, 0.2),
    bestGap_um,
    surfaceDepth_um: bestGap_um + rng.uniform(-10, 10),
    couplerOffsets_um: Array.from({ length: c.count }, () => ({ x_um: rng.uniform(-0.3, 0.3), y_um: rng.uniform(-0.3, 0.3) })),
    couplers: Array.from({ length: c.count }, () => ({
      centre_nm: centre_nm + rng.uniform(-1, 1),
      bandwidth1dB_nm: rng.uniform(28, 36),
      peakLoss_dB: rng.uniform(3, 4),
    })),
    chipModeRadius_um: Array.from({ length: c.count }, () => rng.uniform(4.8, 5.6)),
    loopbackLoss_dB: c.loopbacks.map(() => rng.uniform(0.5, 2)),
    mirrorLoss_dB: Array.from({ length: c.count }, (_, i) => (paired.has(i + 1) ? 0 : rng.uniform(0.5, 1.5))),
  };
}

/** Platform coordinates of fiber i's tip (1-based), µm. */
export function fiberTip(c: FiberArrayConfig, fiber: number): Vec3 {
  const x = (fiber - 1 - (c.count - 1) / 2) * c.pitch_um;
  return [ARRAY_FACET_UM[0] + x, ARRAY_FACET_UM[1], ARRAY_FACET_UM[2]];
}

/** Angle the polished facet's beam leaves at, relative to the fiber axis, degrees (Snell at the facet). */
export function emissionAngle_deg(polish_deg: number): number {
  const p = (polish_deg * Math.PI) / 180;
  return ((Math.asin(CORE_INDEX * Math.sin(p)) - p) * 180) / Math.PI;
}

export interface ChannelGeometry {
  /** Offset of the fiber tip from its coupler in the chip frame, µm; z is the height above the surface. */
  dx_um: number;
  dy_um: number;
  gap_um: number;
  /** Angle errors between fiber and coupler, about chip X (tip) and chip Y (tilt), degrees. */
  tipError_deg: number;
  tiltError_deg: number;
}

export class FiberArrayChip {
  private readonly chipRotation: Mat3;
  private readonly chipInverse: Mat3;
  private readonly emissionError_deg: number;

  constructor(
    readonly config: FiberArrayConfig,
    readonly truth: ArrayChipTruth,
  ) {
    checkFiberArray(config);
    this.chipRotation = rotation(truth.tip_deg, truth.tilt_deg, truth.roll_deg);
    this.chipInverse = transpose(this.chipRotation);
    this.emissionError_deg = emissionAngle_deg(config.polishAngle_deg) - emissionAngle_deg(DESIGN_POLISH_DEG);
  }

  /** Chip-frame origin (the row centre on the surface) in world coordinates, µm. */
  private chipOrigin(): Vec3 {
    const t = this.truth;
    return [ARRAY_FACET_UM[0] + t.offset_um.x_um, ARRAY_FACET_UM[1] + t.offset_um.y_um, ARRAY_FACET_UM[2] - t.surfaceDepth_um];
  }

  /** Fiber `fiber`'s tip at world point `tip`, its axis rotated by `platform` (the hexapod's rotation). */
  geometry(fiber: number, tip: Vec3, platform: Mat3): ChannelGeometry {
    const o = this.chipOrigin();
    const local = apply(this.chipInverse, [tip[0] - o[0], tip[1] - o[1], tip[2] - o[2]]);
    const c = this.config;
    const off = this.truth.couplerOffsets_um[fiber - 1] ?? { x_um: 0, y_um: 0 };
    const cx = (fiber - 1 - (c.count - 1) / 2) * c.pitch_um + off.x_um;
    // The fiber axis relative to the chip: small-angle components of chip⁻¹·platform·(0,0,−1).
    const axis = apply(this.chipInverse, apply(platform, [0, 0, -1]));
    const toDeg = 180 / Math.PI;
    return {
      dx_um: local[0] - cx,
      dy_um: local[1] - off.y_um,
      gap_um: local[2],
      tipError_deg: Math.atan2(axis[1], -axis[2]) * toDeg + this.emissionError_deg,
      tiltError_deg: Math.atan2(-axis[0], -axis[2]) * toDeg,
    };
  }

  /** Power coupling fiber ↔ coupler (linear); 0 when the fiber touches the chip. */
  coupling(fiber: number, g: ChannelGeometry, wavelength_nm: number): number {
    if (g.gap_um <= 0) return 0;
    const w = this.config.modeRadius_um;
    const wc = this.truth.chipModeRadius_um[fiber - 1] ?? w;
    const coupler = this.truth.couplers[fiber - 1] as GratingCoupler;
    const shifted = { ...coupler, centre_nm: coupler.centre_nm + GRATING_SHIFT_NM_PER_DEG * g.tipError_deg };
    const rad = Math.PI / 180;
    return (
      lateralCoupling(w, wc, Math.hypot(g.dx_um, g.dy_um)) *
      (gapCoupling(w, wc, Math.abs(g.gap_um - this.truth.bestGap_um), wavelength_nm) / gapCoupling(w, wc, 0, wavelength_nm)) *
      tiltCoupling(Math.sqrt(w * wc), g.tipError_deg * rad, wavelength_nm) *
      tiltCoupling(Math.sqrt(w * wc), g.tiltError_deg * rad, wavelength_nm) *
      gratingTransmission(wavelength_nm, shifted)
    );
  }

  /** The partner of a looped-back fiber, or null for a fiber ending on a loop mirror. */
  partner(fiber: number): number | null {
    for (const [a, b] of this.config.loopbacks) {
      if (a === fiber) return b;
      if (b === fiber) return a;
    }
    return null;
  }

  /** Loss between the two couplers of fiber's path back: the loopback's waveguide or its loop mirror, dB. */
  returnLoss_dB(fiber: number): number {
    const k = this.config.loopbacks.findIndex(([a, b]) => a === fiber || b === fiber);
    return k >= 0 ? (this.truth.loopbackLoss_dB[k] as number) : (this.truth.mirrorLoss_dB[fiber - 1] as number);
  }
}
