// Writing a setting and confirming it took: after a write the instrument's error queue is drained, so a
// refused command surfaces as an InstrumentError naming it (unless the session already does so itself).
import type { ScpiSession } from '../session/scpi-session.ts';
import type { PerCallOptions } from '../session/session-options.ts';

export async function writeChecked(session: ScpiSession, command: string, opts?: PerCallOptions): Promise<void> {
  await session.write(command, opts);
  if (!session.options.checkErrors && session.options.dialect.errorQuery !== null) await session.checkErrors(opts);
}
