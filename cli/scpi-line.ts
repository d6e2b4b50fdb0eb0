// One line typed at `benchctl scpi`: sent as a query (it asks with `?`) or a command, then the instrument's
// error queue read, so what went wrong is shown right after the line that caused it.
import { BenchIoError, InstrumentError } from '../drivers/errors.ts';
import type { ScpiSession } from '../drivers/session/scpi-session.ts';

export interface LineResult {
  /** The reply, for a query that got one. */
  reply?: string;
  /** Errors the instrument queued after the line. */
  instrumentErrors: { code: number; message: string }[];
  /** A failure of the exchange itself (timeout, link lost, malformed error reply). */
  failure?: Error;
}

/**
 * A query when any `;`-separated part asks with `?` in its header (`*IDN?`, `:SOUR0:WAV?`, `1TP?`,
 * `POS? 1`, `:WAV? MAX`); otherwise a command, which gets no reply.
 */
export function isQuery(line: string): boolean {
  return line.split(';').some((part) => /^\s*[^\s?]*\?/.test(part));
}

export async function runLine(session: ScpiSession, line: string, timeout_ms?: number): Promise<LineResult> {
  const opts = timeout_ms === undefined ? undefined : { timeout_ms };
  const result: LineResult = { instrumentErrors: [] };
  try {
    if (isQuery(line)) result.reply = await session.query(line, opts);
    else await session.write(line, opts);
  } catch (err) {
    if (err instanceof InstrumentError) result.instrumentErrors.push(...err.errors);
    else result.failure = err instanceof Error ? err : new Error(String(err));
  }
  // A query the instrument refused often answers nothing at all: its error queue says why.
  if (session.options.dialect.errorQuery !== null && session.isOpen && !session.options.checkErrors) {
    try {
      await session.checkErrors(opts);
    } catch (err) {
      if (err instanceof InstrumentError) result.instrumentErrors.push(...err.errors);
      else if (!result.failure) result.failure = err instanceof Error ? err : new Error(String(err));
    }
  }
  return result;
}

/** How a reply is printed: text as it came; a binary block as its size and first bytes. */
export function showReply(reply: string): string {
  const m = /^#([1-9])/.exec(reply);
  if (!m) return reply;
  const digits = Number(m[1]);
  const length = Number(reply.slice(2, 2 + digits));
  const payload = Buffer.from(reply.slice(2 + digits, 2 + digits + Math.min(length, 16)), 'latin1');
  return `<definite block, ${Number.isFinite(length) ? length : '?'} bytes: ${payload.toString('hex').replace(/(..)/g, '$1 ').trim()}${length > 16 ? ' …' : ''}>`;
}

/** The lines a result prints: the reply on stdout; errors on stderr, with their code. */
export function describeResult(r: LineResult): { out: string[]; err: string[] } {
  const out = r.reply === undefined ? [] : [showReply(r.reply)];
  const err = r.instrumentErrors.map((e) => `error ${e.code}: ${e.message}`);
  if (r.failure) err.unshift(r.failure instanceof BenchIoError ? r.failure.message : `${r.failure.name}: ${r.failure.message}`);
  return { out, err };
}

export function failed(r: LineResult): boolean {
  return r.failure !== undefined || r.instrumentErrors.length > 0;
}
