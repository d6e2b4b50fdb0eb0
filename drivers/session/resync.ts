// Getting back in step with an instrument after a timeout, so a late reply is never taken for the answer
// to a later query. SCPI instruments answer in order, so after `*CLS;*OPC?` everything before the `1` is
// stale. Dialects without a sync query can only wait for the line to go quiet.
import { BlockFormatError, TimeoutError } from '../errors.ts';
import type { SessionDialect } from './dialect.ts';
import type { SessionLink } from './session-link.ts';

export interface ResyncSettings {
  dialect: SessionDialect;
  writeTermination: string;
  resyncTimeout_ms: number;
  resyncQuiet_ms: number;
}

/** Brings the link back in step; rejects (leaving it stale) when the instrument does not answer in time. */
export async function resynchronise(link: SessionLink, s: ResyncSettings, before: string): Promise<void> {
  const { dialect, writeTermination: term } = s;
  link.discard();
  const clear = dialect.clearCommand === null ? '' : dialect.clearCommand + term;
  const sync = dialect.syncQuery;
  if (sync === null) {
    if (clear) await link.send(clear);
    await link.waitQuiet(s.resyncQuiet_ms, s.resyncTimeout_ms);
    link.markSynchronised();
    return;
  }
  const pending = link.unanswered;
  const label = `${sync.command} (resynchronising before '${before}')`;
  const deadline = performance.now() + s.resyncTimeout_ms;
  link.sendForRead(clear + sync.command + term);
  for (let seen = 0; ; ) {
    const remaining_ms = Math.max(1, deadline - performance.now());
    let text: string;
    try {
      const frame = await link.read(label, remaining_ms, s.resyncTimeout_ms);
      text = frame.kind === 'line' ? frame.text : '';
    } catch (err) {
      // A garbled late block is just more stale data to get past.
      if (err instanceof BlockFormatError && !(err.cause instanceof TimeoutError)) continue;
      throw err;
    }
    seen++;
    if (text.trim() !== sync.reply) continue;
    if (seen - 1 < pending) {
      // Fewer stale replies came than queries timed out: either some were never answered, or one of them
      // looked exactly like the sync reply and ours is right behind it. Let the line go quiet to be sure.
      await link.waitQuiet(s.resyncQuiet_ms, remaining_ms);
    }
    link.markSynchronised();
    return;
  }
}
