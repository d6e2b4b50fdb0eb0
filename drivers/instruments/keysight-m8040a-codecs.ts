// Replies of the M8070 remote interface as the M8040A driver reads them.
import { ReplyFormatError } from '../errors.ts';

/** An M8070 string argument (identifier, sequence or measurement name), single-quoted. */
export function quoted(text: string): string {
  return `'${text}'`;
}

/** `:PLUG:ERAT:CAT?` → the measurement names (a quoted, comma-separated list; empty when none). */
export function parseCatalog(reply: string): string[] {
  return reply.replace(/["']/g, '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** 0/1 (or OFF/ON) replies, e.g. `:OUTP:STAT?`, `:PLUG:ERAT:RUN?`, `:STAT:INST:SLOS?`. */
export function parseFlag(resource: string, command: string, reply: string): boolean {
  const t = reply.trim().replace(/^\+/, '').toUpperCase();
  if (t === '1' || t === 'ON') return true;
  if (t === '0' || t === 'OFF') return false;
  throw new ReplyFormatError(resource, command, reply, '1, 0, ON or OFF');
}

/** `:DATA:SEQ:SET?` → the PRBS order n of `PRBS,"2^n-1"`, or null when the sequence is not a PRBS. */
export function prbsLength(reply: string): number | null {
  const m = /^\s*"?PRBS"?\s*,\s*["']?2\^(\d+)-1["']?\s*$/i.exec(reply);
  return m ? Number(m[1]) : null;
}

/**
 * `:PLUG:ERAT:FETC?` → bits compared and errors: `<location>,<time>,<compared 1s>,<compared 0s>,
 * <errored 1s>,<errored 0s>[,…]`, possibly in parentheses (PAM4 measurements append symbol counts).
 */
export function parseErrorRatio(resource: string, command: string, reply: string): { bits: number; errors: number } {
  const fields = reply.replace(/[()]/g, '').split(',').map((s) => s.trim());
  const counts = fields.slice(2, 6).map(Number);
  if (fields.length < 6 || !counts.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ReplyFormatError(resource, command, reply, "'<location>,<time>,<compared 1s>,<compared 0s>,<errored 1s>,<errored 0s>' with whole counts ≥ 0");
  }
  const [ones = 0, zeros = 0, errOnes = 0, errZeros = 0] = counts;
  return { bits: ones + zeros, errors: errOnes + errZeros };
}
