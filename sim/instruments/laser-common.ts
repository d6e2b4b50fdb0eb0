// What the two laser front ends (Keysight, Santec) share: the interlock refusal and the sweep-running poll.
import { ScpiError, ScpiErrorCode } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import { LaserInterlockError } from '../world/laser-source.ts';
import type { LaserSource } from '../world/laser-source.ts';

/** Runs a laser action; an open interlock becomes -240 "Hardware error" with the reason. */
export function guardInterlock(action: () => void): void {
  try {
    action();
  } catch (e) {
    if (e instanceof LaserInterlockError) throw new ScpiError(ScpiErrorCode.HardwareError, e.message);
    throw e;
  }
}

/**
 * Whether a sweep is in progress (preparing, waiting for its trigger or sweeping). In fast mode, waiting
 * is free: polling a sweep with a known end jumps bench time to that end.
 */
export async function sweepRunningQuery(source: LaserSource, clock: BenchClock): Promise<boolean> {
  const done = source.sweepDoneAt_s(clock.now_s());
  if (clock.mode === 'fast' && done !== null) await clock.advanceTo(done);
  return source.sweepState(clock.now_s()) !== 'idle';
}
