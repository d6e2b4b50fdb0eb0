// Several queries in one program message (`:A?;:B?` → `a;b`, IEEE 488.2 compound query): one round trip
// for readings that belong together. A short reply means the instrument refused one of them: its error
// queue is read so the InstrumentError, not a count mismatch, is what the caller sees.
import { InstrumentError, ReplyFormatError } from '../errors.ts';
import type { InstrumentErrorEntry } from '../errors.ts';
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

/** A program message unit is a query when its header (before any parameters) ends in '?'. */
const isQuery = (unit: string): boolean => /^\s*[^\s]*\?/.test(unit);

/**
 * Commands and queries in one program message with the dialect's error query chained last
 * (`:A 1;:B?;:SYST:ERR?` → `b;0,"No error"`): a message and its confirmation in one round trip where
 * writeChecked would take two. Returns the replies of the queries in `units`, in order. An error in the
 * reply is reported with every other one still queued (InstrumentError naming the whole message). On a
 * session that checks errors itself, or a dialect without an error query or chaining, nothing is chained.
 */
export async function sendChained(session: ScpiSession, units: readonly string[], opts?: PerCallOptions): Promise<string[]> {
  const dialect = session.options.dialect;
  const message = units.join(';');
  const queries = units.filter(isQuery).length;
  if (dialect.errorQuery === null || dialect.chainSeparator !== ';' || session.options.checkErrors) {
    if (queries === 0) {
      await session.write(message, opts);
      if (dialect.errorQuery !== null && !session.options.checkErrors) await session.checkErrors(opts);
      return [];
    }
    if (queries !== units.length) {
      // Commands mixed in: their replies are only the queries'; errors are checked after.
      const reply = splitUnquoted(await session.query(message, opts));
      if (dialect.errorQuery !== null && !session.options.checkErrors) await session.checkErrors(opts);
      if (reply.length !== queries) throw new ReplyFormatError(session.resource, message, reply.join(';'), `${queries} replies separated by ';'`);
      return reply;
    }
    return queryChained(session, units, opts);
  }
  // Rooted (`:SYST:ERR?`): after ';' a header without its leading colon would continue the previous one's path.
  const errorQuery = /^[:*]/.test(dialect.errorQuery) ? dialect.errorQuery : `:${dialect.errorQuery}`;
  const reply = await session.query(`${message};${errorQuery}`, opts);
  const parts = splitUnquoted(reply);
  if (parts.length !== queries + 1) {
    await session.checkErrors(opts);
    throw new ReplyFormatError(session.resource, message, reply, `${queries + 1} replies separated by ';' (the last the error query's)`);
  }
  const last = parts[queries] as string;
  let first: InstrumentErrorEntry | null;
  try {
    first = dialect.parseError(last);
  } catch (err) {
    throw new ReplyFormatError(session.resource, dialect.errorQuery, last, `an error-queue reply in the ${dialect.name} dialect`, { cause: err });
  }
  if (first !== null) {
    // The rest of the queue belongs to the same message: read it too, and report them together.
    const rest: InstrumentErrorEntry[] = [];
    try {
      await session.checkErrors(opts);
    } catch (err) {
      if (!(err instanceof InstrumentError)) throw err;
      rest.push(...err.errors);
    }
    throw new InstrumentError(session.resource, message, [first, ...rest]);
  }
  return parts.slice(0, queries);
}
