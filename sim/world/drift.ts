// Slow drift of the chip's optimum relative to the stage (thermal, adhesive cure): a steady walk in a
// seeded direction plus a small, slow meander, so a long run must re-align and the drift is not a
// straight line a tracker could learn once. A closed form of bench time, so any t can be asked.
import type { SeededRandom } from '../random.ts';

export interface DriftOffset {
  dx_um: number;
  dy_um: number;
  dz_um: number;
}

/** Meander amplitude as a fraction of the distance walked in one meander period. */
const MEANDER_FRACTION = 0.15;
/** Periods of the meander in X and Y, s (tens of minutes, like a lab's air conditioning cycle). */
const MEANDER_PERIODS_S = [1_300, 2_100] as const;
/** Vertical drift relative to the lateral speed (the fiber height barely matters: 56 µm 1-dB gap tolerance). */
const VERTICAL_FRACTION = 0.2;

export class DriftModel {
  private readonly ux: number;
  private readonly uy: number;
  private readonly uz: number;
  private readonly phases: readonly [number, number];

  constructor(
    readonly speed_um_per_h: number,
    direction_rad: number,
    rng: SeededRandom,
  ) {
    if (!(speed_um_per_h >= 0) || !Number.isFinite(speed_um_per_h)) {
      throw new RangeError(`drift_um_per_h ${speed_um_per_h} must be a finite number >= 0`);
    }
    this.ux = Math.cos(direction_rad);
    this.uy = Math.sin(direction_rad);
    this.uz = rng.sign() * VERTICAL_FRACTION;
    this.phases = [rng.angle_rad(), rng.angle_rad()];
  }

  /** Displacement of the optimum at bench time t (0 at t = 0), µm. */
  offset(t_s: number): DriftOffset {
    if (this.speed_um_per_h === 0) return { dx_um: 0, dy_um: 0, dz_um: 0 };
    const v_um_s = this.speed_um_per_h / 3600;
    const walked = v_um_s * t_s;
    const [px, py] = this.phases;
    const [tx, ty] = MEANDER_PERIODS_S;
    const ax = MEANDER_FRACTION * v_um_s * tx;
    const ay = MEANDER_FRACTION * v_um_s * ty;
    // Meander terms start at 0 so the optimum at t = 0 is exactly the drawn truth.
    const mx = ax * (Math.sin((2 * Math.PI * t_s) / tx + px) - Math.sin(px));
    const my = ay * (Math.sin((2 * Math.PI * t_s) / ty + py) - Math.sin(py));
    return { dx_um: walked * this.ux + mx, dy_um: walked * this.uy + my, dz_um: walked * this.uz };
  }
}
