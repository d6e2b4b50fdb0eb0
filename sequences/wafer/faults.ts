// Which failures of a die-site's step bin the die and let the run go on, and which stop the run as they
// always did. Safety and bench faults stop it: I/O the lost-instrument recovery did not take (a timeout, a
// closed session), the laser locked or off under a sweep (an interlock), the bench not made safe. What is
// left belongs to the die: no light, a fit that failed, limits of the algorithm.
import { BenchIoError } from '../../drivers/errors.ts';
import { LaserLockedError } from '../../drivers/instruments/keysight-n777x-lock.ts';
import { SafeStateError } from '../../drivers/properties/safe-state.ts';
import { RunAbortedError } from '../engine/errors.ts';
import { BINS } from './wafer-plan.ts';

const SAFETY_MESSAGE = /interlock|laser output .* went off|soft limit|not be made safe/i;

export function isSafetyFault(err: unknown): boolean {
  if (err instanceof RunAbortedError || err instanceof BenchIoError || err instanceof LaserLockedError || err instanceof SafeStateError) return true;
  return err instanceof Error && SAFETY_MESSAGE.test(err.message);
}

/** The bin of a die-site whose step failed with `err` (not a safety fault). */
export function binOfError(err: unknown): number {
  return err instanceof Error && (err.name === 'NoLightError' || /no light found/.test(err.message)) ? BINS.noLight : BINS.stepError;
}
