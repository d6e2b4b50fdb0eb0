// The SCPI console of the Bench view: one line to a role's instrument, sent as a query when it asks
// (`?` in a header) or as a command, then the instrument's error queue read so the technician sees what
// went wrong right after the line that caused it. Instrument errors are data here, not exceptions: a
// mistyped command is the console's everyday business. Exchange failures (timeout, lost link) are
// recorded against the role like any other instrument call.
import { InstrumentError } from '../drivers/errors.ts';
import type { ScpiSession } from '../drivers/session/scpi-session.ts';
import type { BenchHolder } from './bench-holder.ts';
import type { ScpiReply } from './bench-types.ts';
import { ServiceRoleError } from './errors.ts';

/** A query when any `;`-separated part asks with `?` in its header (`*IDN?`, `:WAV? MAX`, `1TP?`, `POS? 1`). */
export function isQuery(line: string): boolean {
  return line.split(';').some((part) => /^\s*[^\s?]*\?/.test(part));
}

export async function scpiLine(holder: BenchHolder, req: { role: string; command: string; timeout_ms?: number }): Promise<ScpiReply> {
  const bench = holder.requireIdle(`scpi ${req.command}`);
  if (!bench.has(req.role)) throw new ServiceRoleError(`scpi: the bench has no role '${req.role}'; it has ${bench.roles.join(', ')}`);
  const inst = bench.instrument(req.role);
  const session = inst.driver.session;
  const command = req.command.trim();
  const kind = isQuery(command) ? 'query' : 'command';
  const opts = req.timeout_ms === undefined ? undefined : { timeout_ms: req.timeout_ms };
  const started = performance.now();
  const out: ScpiReply = { role: inst.role, command, kind, reply: null, errors: [], failure: null, duration_ms: 0 };
  let failure: Error | null = null;
  try {
    if (!session.isOpen) await session.reopen();
    if (kind === 'query') out.reply = await session.query(command, opts);
    else await session.write(command, opts);
  } catch (err) {
    if (err instanceof InstrumentError) out.errors.push(...err.errors);
    else failure = err instanceof Error ? err : new Error(String(err));
  }
  // A refused query often gets no reply at all (a timeout): the error queue says why.
  if (!failure || kind === 'query') {
    try {
      out.errors.push(...await drainErrors(session, opts));
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
  }
  out.duration_ms = performance.now() - started;
  if (failure) {
    out.failure = { name: failure.name, message: failure.message };
    holder.recordError(inst.role, `scpi ${command}`, failure);
  } else {
    holder.recordOk(inst.role);
  }
  return out;
}

/** The error queue's contents (nothing when the dialect has no error query or the session checks by itself). */
async function drainErrors(session: ScpiSession, opts: { timeout_ms: number } | undefined): Promise<{ code: number; message: string }[]> {
  if (session.options.dialect.errorQuery === null || !session.isOpen || session.options.checkErrors) return [];
  try {
    await session.checkErrors(opts);
    return [];
  } catch (err) {
    if (err instanceof InstrumentError) return [...err.errors];
    throw err;
  }
}
