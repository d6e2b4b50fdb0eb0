// Getting back in step with an instrument after a timeout, so a late reply is never taken for the answer
// to a later query. SCPI instruments answer in order, so after a sync query everything before its reply is
// stale. Dialects without a sync query can only wait for the line to go quiet.
//
// The query that timed out has often left the reason in the instrument's error queue (`:NOSUCH?` is never
// answered; it queues -113). Clearing first would wipe that, so where the dialect can chain queries the
// error query rides along with the sync query (`SYST:ERR?;*OPC?` → `-113,"Undefined header";1`), the queue
// is read to the end, and only then is it cleared.
import { BlockFormatError, TimeoutError } from '../errors.ts';
import type { InstrumentErrorEntry } from '../errors.ts';
import type { InstrumentErrorReport, SessionDialect } from './dialect.ts';
import { MAX_QUEUED_ERRORS } from './error-drain.ts';
import type { SessionLink } from './session-link.ts';

export interface ResyncSettings {
  dialect: SessionDialect;
  writeTermination: string;
  resyncTimeout_ms: number;
  resyncQuiet_ms: number;
}

/** What a resynchronisation found in the instrument's error queue before clearing it. */
export interface ResyncRecovery {
  /** The first command whose reply timed out since the link was last in step, if one did. */
  afterTimeout: string | undefined;
  /** Errors read from the queue, oldest first; empty when it held none or the dialect cannot read them here. */
  errors: InstrumentErrorEntry[];
}

/** A queue that keeps answering errors is itself broken; stop reading it after this many. */
export const MAX_RECOVERED_ERRORS = MAX_QUEUED_ERRORS;

/** What a reply means to the resynchronisation: not ours yet (stale), or ours, carrying an error or none. */
type Probe = (text: string) => InstrumentErrorReport | null | undefined;

/**
 * Brings the link back in step; rejects (leaving it stale) when the instrument does not answer in time.
 * With `readErrors` (default true) the instrument's error queue is read before it is cleared, when the
 * dialect allows it.
 */
export async function resynchronise(link: SessionLink, s: ResyncSettings, before: string,
  opts: { readErrors?: boolean } = {}): Promise<ResyncRecovery> {
  const { dialect, writeTermination: term } = s;
  const afterTimeout = link.timedOutCommand;
  link.discard();
  const clear = dialect.clearCommand === null ? '' : dialect.clearCommand + term;
  const sync = dialect.syncQuery;
  if (sync === null) {
    // Nothing is cleared here either when the dialect has no clear command, so its error query still
    // finds whatever the timed-out command left.
    if (clear) await link.send(clear);
    await link.waitQuiet(s.resyncQuiet_ms, s.resyncTimeout_ms);
    link.markSynchronised();
    return { afterTimeout, errors: [] };
  }
  const query = resyncQueryOf(dialect, sync);
  const deadline = performance.now() + s.resyncTimeout_ms;
  const pending = link.unanswered;
  const chained = opts.readErrors === false ? null : errorProbe(dialect, query);
  if (!chained) {
    link.sendForRead(clear + query.command + term);
    await readUntilOurs(link, s, deadline, `${query.command} (resynchronising before '${before}')`, pending,
      (text) => (query.matches(text) ? null : undefined));
    link.markSynchronised();
    return { afterTimeout, errors: [] };
  }
  const errors: InstrumentErrorEntry[] = [];
  const label = `${chained.command} (resynchronising before '${before}')`;
  for (let i = 0; i < MAX_RECOVERED_ERRORS; i++) {
    link.sendForRead(chained.command + term);
    const entry = await readUntilOurs(link, s, deadline, label, i === 0 ? pending : 0, chained.probe);
    if (entry === null) break;
    errors.push(afterTimeout === undefined ? entry : { ...entry, afterTimeout });
  }
  if (clear) await link.send(clear);
  link.markSynchronised();
  return { afterTimeout, errors };
}

type ResyncQuery = NonNullable<SessionDialect['resyncQuery']>;

/** The dialect's own resync query, else its sync query (`*OPC?` → exactly `1`). */
function resyncQueryOf(dialect: SessionDialect, sync: { command: string; reply: string }): ResyncQuery {
  return dialect.resyncQuery ?? { command: sync.command, matches: (text) => text === sync.reply };
}

/**
 * `SYST:ERR?;*OPC?` (or the dialect's resync query), and how to read its one-line reply `<error entry>;1`;
 * null when the dialect cannot chain. The split is tried at every separator, since an error's quoted text may hold one too.
 */
function errorProbe(dialect: SessionDialect, resync: ResyncQuery): { command: string; probe: Probe } | null {
  const sep = dialect.chainSeparator;
  const query = dialect.errorQuery;
  if (!sep || query === null) return null;
  return {
    command: query + sep + resync.command,
    probe: (text) => {
      for (let i = text.lastIndexOf(sep); i > 0; i = text.lastIndexOf(sep, i - 1)) {
        if (!resync.matches(text.slice(i + sep.length))) continue;
        try {
          return dialect.parseError(text.slice(0, i));
        } catch {
          // not an error entry before this separator: a stale reply that merely ends like ours
        }
      }
      return undefined;
    },
  };
}

/**
 * Reads replies until `probe` recognises ours, skipping stale ones. `pending` is how many timed-out
 * queries may still be answered ahead of it.
 */
async function readUntilOurs(link: SessionLink, s: ResyncSettings, deadline: number, label: string, pending: number,
  probe: Probe): Promise<InstrumentErrorReport | null> {
  for (let seen = 0; ; ) {
    const remaining_ms = Math.max(1, deadline - performance.now());
    let text: string;
    try {
      const frame = await link.read(label, remaining_ms, s.resyncTimeout_ms);
      text = frame.kind === 'line' ? frame.text.trim() : '';
    } catch (err) {
      // A garbled late block is just more stale data to get past.
      if (err instanceof BlockFormatError && !(err.cause instanceof TimeoutError)) continue;
      throw err;
    }
    seen++;
    const found = probe(text);
    if (found === undefined) continue;
    if (seen - 1 < pending) {
      // Fewer stale replies came than queries timed out: either some were never answered, or one of them
      // looked exactly like ours and ours is right behind it. Let the line go quiet to be sure.
      await link.waitQuiet(s.resyncQuiet_ms, remaining_ms);
    }
    return found;
  }
}
