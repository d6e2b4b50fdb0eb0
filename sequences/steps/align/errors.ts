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

/**
 * The final power stayed far below the peak the alignment's own scans saw, even after re-peaking by
 * step-and-read: the light, the chip or the stage changed during the alignment, or the readings cannot
 * be trusted. Never reported as success.
 */
export class AlignVerificationError extends AlignError {
  override name = 'AlignVerificationError';
  readonly final_dBm: number;
  /** The scans' evidence of the peak power, and the least the final power had to reach. */
  readonly seen_dBm: number;
  readonly required_dBm: number;
  readonly best_dBm: number | undefined;
  readonly bestAt: Point_um | undefined;

  constructor(o: { final_dBm: number; firstFinal_dBm: number; seen_dBm: number; seenAs: string; required_dBm: number; best?: { power_dBm: number; at: Point_um } }) {
    const best = o.best ? `; best reading ${o.best.power_dBm.toFixed(2)} dBm at (${o.best.at.x_um.toFixed(2)}, ${o.best.at.y_um.toFixed(2)}) µm` : '';
    super(`align: final power ${o.final_dBm.toFixed(2)} dBm after a step-and-read re-peak (${o.firstFinal_dBm.toFixed(2)} dBm before it) stays ` +
      `${(o.seen_dBm - o.final_dBm).toFixed(2)} dB below ${o.seenAs} the scans saw, ${o.seen_dBm.toFixed(2)} dBm (at least ${o.required_dBm.toFixed(2)} dBm expected${best}); ` +
      'the light, the chip or the stage changed during the alignment');
    this.final_dBm = o.final_dBm;
    this.seen_dBm = o.seen_dBm;
    this.required_dBm = o.required_dBm;
    this.best_dBm = o.best?.power_dBm;
    this.bestAt = o.best?.at;
  }
}

/**
 * The step's clock does not follow the instruments (a log finished in far less of the step's time than
 * it logged): fly-scan samples cannot be placed on the trajectory. The alignment goes on by step-and-read.
 */
export class FlyTimingError extends AlignError {
  override name = 'FlyTimingError';
  readonly logged_s: number;
  readonly waited_s: number;

  constructor(logged_s: number, waited_s: number) {
    super(`align: the step's clock does not follow the instruments: a log of ${(logged_s * 1000).toFixed(1)} ms finished after ` +
      `${(waited_s * 1000).toFixed(2)} ms of it (a simulator on its own virtual clock, driven through a bench file?); fly-scan positions cannot be timed`);
    this.logged_s = logged_s;
    this.waited_s = waited_s;
  }
}

/** A hardware-started fly log never completed: the stage's trigger pulse did not reach the meter. */
export class FlyTriggerError extends AlignError {
  override name = 'FlyTriggerError';
  readonly triggerOutput: number;

  constructor(triggerOutput: number, cause: unknown) {
    super(`align: a fly log armed on the meter's trigger input never completed: no pulse from the stage's trigger output ${triggerOutput} ` +
      `(is it cabled to the meter's trigger input, as the bench file's trigger_output says?): ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause });
    this.triggerOutput = triggerOutput;
  }
}
