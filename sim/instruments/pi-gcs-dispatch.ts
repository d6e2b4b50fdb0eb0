// One GCS command line through a controller's command table, as both simulated PI controllers (the
// C-884 stage and the C-887 hexapod) answer it: an unknown mnemonic or a refused command sets the error
// code `ERR?` reads and answers nothing; a reply is one LF-terminated line (or several, already joined).
import { PiGcsCommandError, PiGcsError } from './pi-gcs-errors.ts';
import type { PiGcsCommand } from './pi-gcs-parser.ts';
import { parseGcsLine } from './pi-gcs-parser.ts';

export type GcsHandler = (cmd: PiGcsCommand) => string | undefined | Promise<string | undefined>;

export async function dispatchGcsLine(table: Readonly<Record<string, GcsHandler>>, message: string, setError: (code: number) => void): Promise<Uint8Array | undefined> {
  try {
    const cmd = parseGcsLine(message);
    if (!cmd) return undefined;
    const handler = table[cmd.mnemonic];
    if (!handler) throw new PiGcsCommandError(PiGcsError.UnknownCommand, cmd.text);
    const out = await handler(cmd);
    return out === undefined ? undefined : new TextEncoder().encode(out.endsWith('\n') ? out : out + '\n');
  } catch (e) {
    if (!(e instanceof PiGcsCommandError)) throw e;
    setError(e.code);
    return undefined;
  }
}
