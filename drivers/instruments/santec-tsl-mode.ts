// The Santec TSL's two command modes and its alert queue. A TSL-570/770 speaks either its Legacy command
// set or an SCPI one (`:SYSTem:COMMunicate:CODe 0|1`); in SCPI mode a bare number is metres, replies are SI
// and the wavelength log is float64, so every nm the driver sends would be read as metres. The driver
// speaks Legacy, as QMI's TSL-570 driver and Santec's own python-samples (`Command mode: Legacy`) do, and
// puts the laser in it at open. Firmware older than the mode switch (TSL-550/710) speaks only Legacy and
// does not answer the query: that is taken as Legacy.
import { ReplyFormatError } from '../errors.ts';
import { writeChecked } from '../properties/send.ts';
import { isUnanswered } from '../properties/unanswered.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { pollUntil } from '../properties/wait.ts';

export const COMMAND_MODE_QUERY = ':SYST:COMM:COD?';
export const LEGACY_MODE = ':SYST:COMM:COD 0';

/** Reads the command mode and switches to Legacy when the laser is in SCPI mode. */
export async function useLegacyCommands(session: ScpiSession): Promise<'legacy' | 'switched-from-scpi'> {
  let reply: string;
  try {
    reply = (await session.query(COMMAND_MODE_QUERY)).trim();
  } catch (err) {
    if (isUnanswered(err)) return 'legacy';
    throw err;
  }
  if (reply === '0' || reply === '+0') return 'legacy';
  if (reply !== '1' && reply !== '+1') throw new ReplyFormatError(session.resource, COMMAND_MODE_QUERY, reply, "'0' (Legacy) or '1' (SCPI)");
  await writeChecked(session, LEGACY_MODE);
  return 'switched-from-scpi';
}

/** What the TSL says when its alert queue is empty (QMI's TSL-570 driver). */
export const NO_ALERTS = 'No alerts.';
const ALERT_QUERY = ':SYST:ALER?';
/** A bound, so a laser that keeps answering the same alert cannot hold the driver in a loop. */
const MAX_ALERTS = 32;

/**
 * The alerts the laser has queued (`:SYSTem:ALERt?`, one per query until "No alerts."), each as the laser
 * words it, e.g. `No23.,Ongoing Warm up`. The codes are the TSL-570 manual's as QMI tabulates them.
 */
export async function readAlerts(session: ScpiSession): Promise<string[]> {
  const alerts: string[] = [];
  while (alerts.length < MAX_ALERTS) {
    const reply = (await session.query(ALERT_QUERY)).trim();
    if (reply === NO_ALERTS) return alerts;
    alerts.push(reply);
  }
  return alerts;
}

/**
 * Waits for the TSL to finish what it was doing (tuning, LD warm-up). Its `*OPC?` answers 0 while busy
 * instead of holding the reply back as 488.2 intends (QMI's `operation_complete()` reads it as a bool), so
 * the driver polls it.
 */
export function waitOperationComplete(session: ScpiSession, timeout_s: number, what: string): Promise<void> {
  return pollUntil({
    resource: session.resource, what, timeout_s, maxInterval_s: 0.2,
    done: async () => {
      const reply = (await session.query('*OPC?')).trim();
      if (reply !== '0' && reply !== '1') throw new ReplyFormatError(session.resource, '*OPC?', reply, "'0' (busy) or '1' (done)");
      return reply === '1';
    },
  });
}
