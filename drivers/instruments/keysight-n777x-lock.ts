// The Keysight laser lock (816x mainframes, N777xC): `:LOCK <0|1>,<password>` locks or unlocks the laser
// sources, `:LOCK?` reads it. A locked laser refuses `:SOUR:POW:STAT`, even to switch off, so a driver
// that only sees "settings conflict" would leave the user guessing. The driver never unlocks by itself:
// the password belongs to the lab's laser-safety procedure.
import { InstrumentError } from '../errors.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

export const LOCK_QUERY = ':LOCK?';

/** The laser is locked: what was refused, and how the user unlocks it. */
export class LaserLockedError extends Error {
  override name = 'LaserLockedError';
  constructor(readonly resource: string, readonly action: string, options?: { cause?: unknown }) {
    super(`${resource}: cannot ${action}: the laser is locked (${LOCK_QUERY} answers 1); a locked laser refuses :POW:STAT. ` +
      'Unlock it with :LOCK 0,<password> (or at the front panel) as the lab\'s laser-safety procedure allows', options);
  }
}

/** True when the laser reports itself locked; a mainframe without the query counts as unlocked. */
export async function isLocked(session: ScpiSession): Promise<boolean> {
  try {
    return (await session.query(LOCK_QUERY)).trim().replace(/^\+/, '') === '1';
  } catch {
    return false;
  }
}

/** Runs `send`; a refusal from a locked laser becomes a LaserLockedError naming the action. */
export async function explainLock(session: ScpiSession, action: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (err instanceof InstrumentError && (await isLocked(session))) throw new LaserLockedError(session.resource, action, { cause: err });
    throw err;
  }
}
