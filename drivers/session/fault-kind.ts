// Which failures of an exchange are the instrument's (a dropped link, or a box that stopped answering) and
// not the command's: those are worth waiting out — reconnect or resynchronise, re-identify, go on — where
// an instrument error or a malformed reply would only repeat. A reply timeout is how a hung instrument, a
// stalled network or a frozen process looks from here; the session has already marked the link stale, so
// the next exchange resynchronises before it trusts the reply stream.
import { LinkLostError, TimeoutError } from '../errors.ts';

export type FaultReason = 'link lost' | 'not answering';

export interface InstrumentFault {
  reason: FaultReason;
  resource: string;
  /** The command whose exchange failed, when known (what a recurrence is recognised by). */
  command: string | undefined;
  error: LinkLostError | TimeoutError;
}

/** Errors that wrap the fault that caused them (a truncated block, a driver's own error) are looked through this deep. */
const MAX_CAUSE_DEPTH = 8;

/** The link loss or reply timeout behind `err` (itself, or in its cause chain); a loss wins over a timeout. */
export function instrumentFaultOf(err: unknown): InstrumentFault | undefined {
  let timeout: TimeoutError | undefined;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < MAX_CAUSE_DEPTH; e = e.cause, depth++) {
    if (e instanceof LinkLostError) return { reason: 'link lost', resource: e.resource, command: e.command, error: e };
    if (e instanceof TimeoutError) timeout ??= e;
  }
  if (!timeout) return undefined;
  return { reason: 'not answering', resource: timeout.resource, command: baseCommand(timeout.command), error: timeout };
}

/**
 * The command a timeout is about: a resynchronisation's own query names the exchange it ran before
 * (`SYST:ERR?;*OPC? (resynchronising before ':AXIS1:MOT?')`), and that exchange is what recurs.
 */
function baseCommand(command: string | undefined): string | undefined {
  const m = command === undefined ? null : /\(resynchronising before '(.*)'\)$/.exec(command);
  return m ? m[1] : command;
}
