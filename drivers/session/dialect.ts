// How a session asks an instrument for its errors, clears it and resynchronises. SCPI boxes share one
// dialect; the motion controllers' ASCII protocols (Newport ESP301, PI GCS) bring their own.
import { parseErrorQueueReply } from '../scpi/errors.ts';

export interface InstrumentErrorReport {
  code: number;
  message: string;
}

export interface SessionDialect {
  name: string;
  /** Asks for the oldest queued error; null when the instrument has no error queue. */
  errorQuery: string | null;
  /** Parses the error query's reply; null means "no error" (the queue is drained). Throws on a malformed reply. */
  parseError(reply: string): InstrumentErrorReport | null;
  /** Clears the error queue and status; sent while resynchronising. */
  clearCommand: string | null;
  /** The operation-complete query and its reply (`*OPC?` → `1`): waits for pending operations. */
  syncQuery: { command: string; reply: string } | null;
  /**
   * What a resynchronisation sends to find where the reply stream is, when not the sync query: one the box
   * answers at once even while an operation is pending. `*OPC?` waits for a BER gate that is still
   * counting (as it waits for an INITiated measurement), and a box that holds it holds every command behind
   * it, the safe state's stop included, for the rest of the gate.
   */
  resyncQuery?: { command: string; matches(reply: string): boolean };
  /**
   * Joins queries into one message whose replies come back in one line joined the same way (';' in SCPI).
   * With it, a resynchronisation reads the error queue (chained with the sync query) before clearing it.
   */
  chainSeparator?: string;
}

export const SCPI_DIALECT: SessionDialect = {
  name: 'SCPI',
  errorQuery: 'SYST:ERR?',
  parseError(reply) {
    const e = parseErrorQueueReply(reply);
    return e.code === 0 ? null : e;
  },
  clearCommand: '*CLS',
  syncQuery: { command: '*OPC?', reply: '1' },
  chainSeparator: ';',
};

/**
 * An `*IDN?` reply as IEEE 488.2 §4.1.3.6 gives it: four comma-separated fields, the first (the maker)
 * with a letter in it — which a stale reply of numbers (`0,0,0,20`) is not.
 */
export function isIdentityReply(reply: string): boolean {
  return /^[^,;]*[A-Za-z][^,;]*,[^,;]+,[^,;]*,[^,;]*$/.test(reply.trim());
}

/**
 * SCPI for a box whose measurements run in the background for minutes (a BERT's gate): resynchronised
 * on `*IDN?`, which 488.2 answers at once, instead of `*OPC?`, which waits for the gate to end.
 */
export const SCPI_GATED_DIALECT: SessionDialect = {
  ...SCPI_DIALECT,
  name: 'SCPI (gated measurements)',
  resyncQuery: { command: '*IDN?', matches: isIdentityReply },
};

/** A reply that a dialect's error parser could not read; the session adds the resource and command. */
export class DialectReplyError extends Error {
  readonly reply: string;
  readonly expected: string;

  constructor(reply: string, expected: string) {
    super(`reply ${JSON.stringify(reply)} is not ${expected}`);
    this.name = 'DialectReplyError';
    this.reply = reply;
    this.expected = expected;
  }
}

const ESP_ERROR = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(.*?)\s*$/;

/** Newport ESP301: `TB?` → `<code>, <timestamp>, <message>`, e.g. `0, 0, NO ERROR` or `108, 3921, MOTOR NOT ENABLED`. */
export const ESP301_DIALECT: SessionDialect = {
  name: 'ESP301',
  errorQuery: 'TB?',
  parseError(reply) {
    const m = ESP_ERROR.exec(reply);
    if (!m) throw new DialectReplyError(reply, "an ESP301 'TB?' reply '<code>, <timestamp>, <message>'");
    const code = Number(m[1]);
    return code === 0 ? null : { code, message: m[3] ?? '' };
  },
  clearCommand: null,
  syncQuery: null,
};

/** The PI GCS codes a stage driver meets in practice; others are reported by number. */
const GCS_MESSAGES: Readonly<Record<number, string>> = {
  1: 'Parameter syntax error',
  2: 'Unknown command',
  5: 'Unallowable move attempted on unreferenced axis, or move attempted with servo off',
  7: 'Position out of limits',
  8: 'Velocity out of limits',
  9: 'Attempt to set pivot point while U, V and W not all 0',
  10: 'Controller was stopped by command',
  15: 'Invalid axis identifier',
  17: 'Parameter out of range',
};

/** PI GCS: `ERR?` → the last error code (`0` = none); reading it clears it. */
export const PI_GCS_DIALECT: SessionDialect = {
  name: 'PI GCS',
  errorQuery: 'ERR?',
  parseError(reply) {
    const text = reply.trim();
    if (!/^-?\d+$/.test(text)) throw new DialectReplyError(reply, "a PI GCS 'ERR?' reply (an integer error code)");
    const code = Number(text);
    return code === 0 ? null : { code, message: GCS_MESSAGES[code] ?? `PI GCS error ${code}` };
  },
  clearCommand: null,
  syncQuery: null,
};
