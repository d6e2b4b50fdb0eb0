// Reading an instrument's error queue to its end after a command: error query after error query until the
// dialect reads "no error", so every error the command raised is reported, not just the first.
import { InstrumentError, ReplyFormatError } from '../errors.ts';
import type { InstrumentErrorEntry } from '../errors.ts';
import type { SessionDialect } from './dialect.ts';

/** An instrument's error queue is bounded; one that never drains is itself a fault worth reporting. */
export const MAX_QUEUED_ERRORS = 64;

/**
 * Asks `dialect.errorQuery` through `ask` until the queue is empty; throws InstrumentError (attributed to
 * `command`) listing what was there, or ReplyFormatError when a reply is not an error-queue entry.
 */
export async function drainErrorQueue(ask: (query: string) => Promise<string>, dialect: SessionDialect, resource: string,
  command: string): Promise<void> {
  const query = dialect.errorQuery;
  if (query === null) return;
  const errors: InstrumentErrorEntry[] = [];
  for (let i = 0; i < MAX_QUEUED_ERRORS; i++) {
    const reply = await ask(query);
    let entry: InstrumentErrorEntry | null;
    try {
      entry = dialect.parseError(reply);
    } catch (err) {
      const expected = (err as { expected?: unknown }).expected;
      throw new ReplyFormatError(resource, query, reply,
        typeof expected === 'string' ? expected : `an error-queue reply in the ${dialect.name} dialect`, { cause: err });
    }
    if (entry === null) break;
    errors.push(entry);
  }
  if (errors.length === MAX_QUEUED_ERRORS) {
    errors.push({ code: 0, message: `the error queue did not drain after ${MAX_QUEUED_ERRORS} reads of '${query}'` });
  }
  if (errors.length > 0) throw new InstrumentError(resource, command, errors);
}
