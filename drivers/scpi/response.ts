// Parsing the replies an instrument sends (IEEE 488.2 response data), used by the drivers' session.
// Every failure is a ResponseFormatError quoting the reply, so a garbled line is visible in the log.

const MAX_QUOTED_CHARS = 80;

/** Shows a reply in an error message: escaped control/binary bytes, cut short when huge. */
export function quoteReply(reply: string): string {
  const shown = reply.length > MAX_QUOTED_CHARS ? reply.slice(0, MAX_QUOTED_CHARS) : reply;
  let out = '';
  for (const ch of shown) {
    const c = ch.charCodeAt(0);
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xff)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  const more = reply.length > MAX_QUOTED_CHARS ? `... (${reply.length} characters in all)` : '';
  return `"${out}"${more}`;
}

export class ResponseFormatError extends Error {
  readonly reply: string;
  readonly expected: string;
  constructor(reply: string, expected: string) {
    super(`expected ${expected}, got ${quoteReply(reply)}`);
    this.name = 'ResponseFormatError';
    this.reply = reply;
    this.expected = expected;
  }
}

// Leading/trailing whitespace and the terminator (\n or \r\n) are not part of the data.
function clean(reply: string): string {
  return reply.trim();
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_DECIMAL = /^#([HhQqBb])([0-9A-Fa-f]+)$/;
const RADIX: Record<string, number> = { H: 16, Q: 8, B: 2 };
const RADIX_DIGITS: Record<string, RegExp> = { H: /^[0-9A-F]+$/i, Q: /^[0-7]+$/, B: /^[01]+$/ };

// SCPI's stand-ins for non-finite values (SCPI-99 vol. 1, 7.2.1.5).
const SCPI_NAN = 9.91e37;
const SCPI_INF = 9.9e37;

/** One response number; SCPI's 9.91E37 is NaN and ±9.9E37 is ±Infinity. */
function numberOf(text: string): number | undefined {
  if (DECIMAL.test(text)) {
    const n = Number(text);
    if (n === SCPI_NAN) return NaN;
    if (n === SCPI_INF) return Infinity;
    if (n === -SCPI_INF) return -Infinity;
    return n;
  }
  const m = NON_DECIMAL.exec(text);
  if (m) {
    const radix = (m[1] ?? 'H').toUpperCase();
    const digits = m[2] ?? '';
    if (!RADIX_DIGITS[radix]?.test(digits)) return undefined;
    return parseInt(digits, RADIX[radix]);
  }
  const upper = text.toUpperCase();
  if (upper === 'NAN') return NaN;
  if (upper === 'INF' || upper === '+INF') return Infinity;
  if (upper === 'NINF' || upper === '-INF') return -Infinity;
  return undefined;
}

/** NR1/NR2/NR3 (and #H/#Q/#B non-decimal) reply → number. */
export function parseResponseNumber(reply: string): number {
  const n = numberOf(clean(reply));
  if (n === undefined) throw new ResponseFormatError(reply, 'a number (NR1/NR2/NR3, e.g. +1.55000000E-06)');
  return n;
}

/** An integer reply; `+1.00000000E+00` is accepted (some instruments send NR3 for counts). */
export function parseResponseInteger(reply: string): number {
  const n = numberOf(clean(reply));
  if (n === undefined || !Number.isInteger(n)) throw new ResponseFormatError(reply, 'an integer (NR1, e.g. 42)');
  return n;
}

export function parseResponseBoolean(reply: string): boolean {
  const text = clean(reply).toUpperCase();
  if (text === 'ON') return true;
  if (text === 'OFF') return false;
  const n = numberOf(text);
  if (n === 1) return true;
  if (n === 0) return false;
  throw new ResponseFormatError(reply, 'a boolean (1, 0, ON or OFF)');
}

/** A comma-separated list of numbers; an empty reply is an empty list. */
export function parseResponseNumbers(reply: string): number[] {
  const text = clean(reply);
  if (text === '') return [];
  const parts = text.split(',');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const n = numberOf((parts[i] ?? '').trim());
    if (n === undefined) {
      throw new ResponseFormatError(reply, `a comma-separated list of numbers (item ${i + 1}, ${quoteReply(parts[i] ?? '')}, is not a number)`);
    }
    out[i] = n;
  }
  return out;
}

/** A string reply: quotes removed (and doubled quotes undone) when quoted, else the trimmed text. */
export function parseResponseString(reply: string): string {
  const text = clean(reply);
  const q = text[0];
  if (q !== '"' && q !== "'") return text;
  if (text.length < 2 || text[text.length - 1] !== q) {
    throw new ResponseFormatError(reply, `a string closed by ${q}`);
  }
  const body = text.slice(1, -1);
  // Inside, the quote character may only appear doubled.
  const unescaped = body.split(q + q);
  if (unescaped.some((piece) => piece.includes(q))) {
    throw new ResponseFormatError(reply, `a string whose inner ${q} characters are doubled`);
  }
  return unescaped.join(q);
}
