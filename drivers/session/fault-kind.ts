// Which failures of an exchange are the instrument's or the line's (a dropped link, a box that stopped
// answering, a reply garbled on the way) and not the command's: those are worth waiting out — reconnect
// or resynchronise, re-identify, go on — where an instrument error (a refusal) would only repeat. A reply
// timeout is how a hung instrument, a stalled network or a frozen process looks from here; the session has
// already marked the link stale, so the next exchange resynchronises before it trusts the reply stream. A
// garbled reply that recurs on the same command is a parse that will never succeed: the engine counts it
// as one fault and the deadline ends it.
import { BlockFormatError, LinkLostError, ReplyFormatError, TimeoutError, TruncatedBlockError } from '../errors.ts';

export type FaultReason = 'link lost' | 'not answering' | 'garbled reply';

export interface InstrumentFault {
  reason: FaultReason;
  resource: string;
  /** The command whose exchange failed, when known (what a recurrence is recognised by). */
  command: string | undefined;
  error: LinkLostError | TimeoutError | ReplyFormatError | BlockFormatError;
}

/** Errors that wrap the fault that caused them (a truncated block, a driver's own error) are looked through this deep. */
const MAX_CAUSE_DEPTH = 8;

/**
 * The link loss, reply timeout or garbled reply behind `err` (itself, or in its cause chain); a loss wins
 * over a timeout, a timeout over a garbled reply (a block cut short by a timeout is the timeout's).
 */
export function instrumentFaultOf(err: unknown): InstrumentFault | undefined {
  let timeout: TimeoutError | undefined;
  let garbled: ReplyFormatError | BlockFormatError | undefined;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < MAX_CAUSE_DEPTH; e = e.cause, depth++) {
    if (e instanceof LinkLostError) return { reason: 'link lost', resource: e.resource, command: e.command, error: e };
    if (e instanceof TimeoutError) timeout ??= e;
    else if (e instanceof ReplyFormatError || (e instanceof BlockFormatError && !(e instanceof TruncatedBlockError))) garbled ??= e;
  }
  if (timeout) return { reason: 'not answering', resource: timeout.resource, command: baseCommand(timeout.command), error: timeout };
  if (garbled) return { reason: 'garbled reply', resource: garbled.resource, command: garbled.command, error: garbled };
  return undefined;
}

/**
 * The command a timeout is about: a resynchronisation's own query names the exchange it ran before
 * (`SYST:ERR?;*OPC? (resynchronising before ':AXIS1:MOT?')`), and that exchange is what recurs.
 */
function baseCommand(command: string | undefined): string | undefined {
  const m = command === undefined ? null : /\(resynchronising before '(.*)'\)$/.exec(command);
  return m ? m[1] : command;
}
