// Telling "the instrument will not answer this query" (older firmware, a query the model lacks) from a
// broken link or a bug: only the former may fall back to a model table or the bench file's values.
import { InstrumentError, ReplyFormatError, TimeoutError } from '../errors.ts';

/** The instrument refused the query (an error in its queue), answered short or not at all. */
export function isUnanswered(err: unknown): err is InstrumentError | ReplyFormatError | TimeoutError {
  return err instanceof InstrumentError || err instanceof ReplyFormatError || err instanceof TimeoutError;
}
