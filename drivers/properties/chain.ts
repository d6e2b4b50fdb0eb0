// Several queries in one program message (`:A?;:B?` → `a;b`, IEEE 488.2 compound query): one round trip
// for readings that belong together. A short reply means the instrument refused one of them: its error
// queue is read so the InstrumentError, not a count mismatch, is what the caller sees.
import { ReplyFormatError } from '../errors.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import type { PerCallOptions } from '../session/session-options.ts';

export async function queryChained(session: ScpiSession, queries: readonly string[], opts?: PerCallOptions): Promise<string[]> {
  const command = queries.join(';');
  const reply = await session.query(command, opts);
  const parts = splitUnquoted(reply);
  if (parts.length !== queries.length) {
    // A query the instrument refused leaves no reply of its own: its error says more than the count does.
    if (session.options.dialect.errorQuery !== null && !session.options.checkErrors) await session.checkErrors();
    throw new ReplyFormatError(session.resource, command, reply, `${queries.length} replies separated by ';'`);
  }
  return parts;
}

/** Splits at ';' outside double-quoted strings. */
function splitUnquoted(reply: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < reply.length; i++) {
    const c = reply[i];
    if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      out.push(reply.slice(start, i));
      start = i + 1;
    }
  }
  out.push(reply.slice(start));
  return out;
}
