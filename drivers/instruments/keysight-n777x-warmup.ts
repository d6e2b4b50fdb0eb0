// Switching a Keysight tunable laser on (N777xC, 816x laser modules) starts an operation the laser
// reports as pending until the output has settled: `*OPC?` answers only then (IEEE 488.2 §12.5.3; the
// 816x / N777xC programming guides list `:POW:STAT 1` among the overlapped commands). LabExT's
// `LaserMainframeKeysight.enable` sleeps 1 s after `:pow:stat 1` for the same reason; the driver waits
// for the answer instead, up to `warmUp_s` (a cold module warms up for tens of seconds), and when it never
// comes it switches the output off again (best effort) and says so.
import { TimeoutError } from '../errors.ts';
import { writeTolerant } from '../properties/safe-state.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

/** How long switching on may take to settle by default, s; the bench option `warmUp_s` changes it. */
export const DEFAULT_WARM_UP_S = 60;

export class LaserWarmUpError extends Error {
  override name = 'LaserWarmUpError';
  constructor(readonly resource: string, readonly waited_s: number, readonly switchedOff: string, options?: { cause?: unknown }) {
    super(`${resource}: the laser did not settle within ${waited_s} s of switching on (*OPC? unanswered); ${switchedOff}. ` +
      'Check the laser module (front panel, :SYST:ERR?) or give the bench option warmUp_s a longer time', options);
  }
}

/** Waits for the switch-on to settle; on a timeout the output goes off again and a LaserWarmUpError is thrown. */
export async function waitWarmUp(session: ScpiSession, slot: number, warmUp_s: number): Promise<void> {
  try {
    await session.opc({ timeout_ms: warmUp_s * 1000 });
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    let off = 'the output was switched off again';
    try {
      await writeTolerant(session, `:SOUR${slot}:POW:STAT 0`);
    } catch (offErr) {
      off = `switching the output off failed too (${(offErr as Error).message}); safe() will try again`;
    }
    throw new LaserWarmUpError(session.resource, warmUp_s, off, { cause: err });
  }
}
