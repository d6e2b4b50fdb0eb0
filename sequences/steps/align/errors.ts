// What can go wrong in an alignment, each with what happened in its message: the engine shows it, makes
// the bench safe and records it; tests match the class.
import type { Point_um } from './paths.ts';

export class AlignError extends Error {
  override name = 'AlignError';
}

/** The search covered its whole area without any reading reaching the threshold. */
export class NoLightError extends AlignError {
  override name = 'NoLightError';
  readonly threshold_dBm: number;
  readonly best_dBm: number;
  readonly bestAt: Point_um | undefined;

  constructor(opts: { area: string; threshold_dBm: number; best_dBm: number; bestAt?: Point_um; readings: number }) {
    const where = opts.bestAt ? ` at (${opts.bestAt.x_um.toFixed(1)}, ${opts.bestAt.y_um.toFixed(1)}) µm` : '';
    super(`align: no light found in ${opts.area}: ${opts.readings} readings, none reached the threshold ` +
      `${opts.threshold_dBm.toFixed(1)} dBm (best ${opts.best_dBm.toFixed(1)} dBm${where}); ` +
      'check the laser is on, the fiber height and the search centre');
    this.threshold_dBm = opts.threshold_dBm;
    this.best_dBm = opts.best_dBm;
    this.bestAt = opts.bestAt;
  }
}

/** Light was found, then lost while peaking (the chip moved, the light went off, a reading went wrong). */
export class LostLightError extends AlignError {
  override name = 'LostLightError';
}

/** The step ran past its max_time. */
export class AlignTimeoutError extends AlignError {
  override name = 'AlignTimeoutError';
  readonly max_time_s: number;
  readonly phase: string;

  constructor(max_time_s: number, phase: string, spent_s: number) {
    super(`align: max_time ${max_time_s} s exceeded during ${phase} (${spent_s.toFixed(2)} s of bench time spent)`);
    this.max_time_s = max_time_s;
    this.phase = phase;
  }
}

/** The search area or a peaking move would leave the stage's soft limits. */
export class AlignAreaError extends AlignError {
  override name = 'AlignAreaError';
}
