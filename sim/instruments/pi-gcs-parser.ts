// PI GCS command lines: `MNEMONIC[?] [arg …]`, arguments separated by spaces, one command per line
// (`MOV 1 10.0 2 5.0`, `POS? 1 2`, `ERR?`, `*IDN?`). Single-character commands (`#5` = 0x05 motion
// status, `#24` = 0x18 stop) arrive as a line of that one character.
import { PiGcsCommandError, PiGcsError } from './pi-gcs-errors.ts';
import { parseDecimal } from './stage-axes.ts';

export interface PiGcsCommand {
  /** Upper-cased mnemonic with its `?` (`MOV`, `POS?`, `*IDN?`), or `#5` style for control characters. */
  readonly mnemonic: string;
  readonly args: readonly string[];
  readonly text: string;
}

/** GCS limits a command line (the controller's input buffer). */
export const GCS_MAX_LINE_LENGTH = 512;

export function parseGcsLine(line: string): PiGcsCommand | null {
  const text = line.replace(/[\r\n]+$/, '');
  if (text.length === 1 && text.charCodeAt(0) < 0x20) {
    return { mnemonic: `#${text.charCodeAt(0)}`, args: [], text: `#${text.charCodeAt(0)}` };
  }
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed.length > GCS_MAX_LINE_LENGTH) throw new PiGcsCommandError(PiGcsError.CommandTooLong, trimmed.slice(0, 40) + '…');
  const [head = '', ...args] = trimmed.split(/\s+/);
  return { mnemonic: head.toUpperCase(), args, text: trimmed };
}

/** `axis value` pairs (`MOV 1 10.0 2 5.0`): at least one pair, values decimal — else error 1. */
export function axisValuePairs(cmd: PiGcsCommand): { axis: string; value: number }[] {
  if (cmd.args.length === 0 || cmd.args.length % 2 !== 0) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
  const pairs: { axis: string; value: number }[] = [];
  for (let i = 0; i < cmd.args.length; i += 2) {
    const value = parseDecimal(cmd.args[i + 1] as string);
    if (value === undefined) throw new PiGcsCommandError(PiGcsError.ParameterSyntax, cmd.text);
    pairs.push({ axis: cmd.args[i] as string, value });
  }
  return pairs;
}

/** Replies spanning several lines end every line but the last with a space before the LF (GCS). */
export function formatGcsLines(lines: readonly string[]): string {
  return lines.map((l, i) => (i < lines.length - 1 ? `${l} \n` : `${l}\n`)).join('');
}
