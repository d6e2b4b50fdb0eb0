// A synthetic coupling landscape for the peaking algorithms: one Gaussian peak in dBm over a noise floor,
// seeded relative noise, and a stage with backlash (the fiber lags the command by half the play, on the
// side the last move came from) — what a real fiber-alignment stage does to a step-and-read search.
import normal from '@stdlib/random-base-normal';
import type { Point_um } from '../../../../sequences/steps/align/paths.ts';

export interface LandscapeOptions {
  peak: Point_um;
  peak_dBm?: number;
  radius_um?: number;
  floor_dBm?: number;
  /** Relative noise of one reading (default 0). */
  relativeNoise?: number;
  /** Mechanical play per axis, µm (default 0). */
  backlash_um?: number;
  seed?: number;
}

export class Landscape {
  readonly peak: Point_um;
  readonly peak_dBm: number;
  readonly radius_um: number;
  readonly floor_dBm: number;
  readonly relativeNoise: number;
  readonly backlash_um: number;
  readings = 0;
  private commanded: Point_um | null = null;
  private play = { x: 0, y: 0 };
  private readonly gauss: () => number;

  constructor(o: LandscapeOptions) {
    this.peak = o.peak;
    this.peak_dBm = o.peak_dBm ?? -20;
    this.radius_um = o.radius_um ?? 5.2;
    this.floor_dBm = o.floor_dBm ?? -70;
    this.relativeNoise = o.relativeNoise ?? 0;
    this.backlash_um = o.backlash_um ?? 0;
    this.gauss = normal.factory(0, 1, { seed: o.seed ?? 1 });
  }

  /** Noise-free power at a true position, dBm. */
  truePower_dBm(p: Point_um): number {
    const rho2 = (p.x_um - this.peak.x_um) ** 2 + (p.y_um - this.peak.y_um) ** 2;
    const mW = 10 ** (this.peak_dBm / 10) * Math.exp((-2 * rho2) / this.radius_um ** 2);
    return 10 * Math.log10(mW + 10 ** (this.floor_dBm / 10));
  }

  /** Where the fiber really is after a move commanded to `p`. */
  moveTo(p: Point_um): Point_um {
    const half = this.backlash_um / 2;
    if (this.commanded) {
      if (p.x_um > this.commanded.x_um) this.play.x = -half;
      else if (p.x_um < this.commanded.x_um) this.play.x = half;
      if (p.y_um > this.commanded.y_um) this.play.y = -half;
      else if (p.y_um < this.commanded.y_um) this.play.y = half;
    }
    this.commanded = { ...p };
    return { x_um: p.x_um + this.play.x, y_um: p.y_um + this.play.y };
  }

  /** A noisy reading at a true position, dBm. */
  read(truePos: Point_um): number {
    this.readings += 1;
    const mW = 10 ** (this.truePower_dBm(truePos) / 10) * (1 + this.relativeNoise * this.gauss());
    return 10 * Math.log10(Math.max(mW, 10 ** (this.floor_dBm / 10)));
  }

  /** The step-and-read evaluator: move, then read. */
  readonly evaluate = async (p: Point_um): Promise<number> => this.read(this.moveTo(p));

  /** Loss of the true position `p` from the peak, dB. */
  lossAt_dB(p: Point_um): number {
    return this.truePower_dBm(this.peak) - this.truePower_dBm(p);
  }
}
