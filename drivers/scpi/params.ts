// Parameter parsers for simulated instruments' handlers: numbers with units and MIN/MAX/DEF, booleans,
// enumerated character data, strings and blocks. Every refusal is a ScpiError the instrument can queue.
import { scanBlock } from './block.ts';
import { ScpiError, ScpiErrorCode } from './errors.ts';
import { lexNumeric, resolveSuffix, scaledDecimal } from './numeric.ts';
import type { NumericToken } from './numeric.ts';

export interface NumericOptions {
  /** The base unit the instrument expects, SCPI spelling: 'M', 'S', 'HZ', 'W', 'DBM', 'DB', 'M/S', 'DEG', ... */
  unit?: string;
  /** In base units; MIN/MAX/DEF resolve to these. */
  min?: number;
  max?: number;
  default?: number;
  integer?: boolean;
}

// Long and short forms of SCPI's numeric keywords.
const KEYWORDS: ReadonlyArray<[string, string, 'min' | 'max' | 'default' | 'inf' | 'ninf' | 'nan']> = [
  ['MIN', 'MINIMUM', 'min'], ['MAX', 'MAXIMUM', 'max'], ['DEF', 'DEFAULT', 'default'],
  ['INF', 'INFINITY', 'inf'], ['NINF', 'NINFINITY', 'ninf'], ['NAN', 'NAN', 'nan'],
];

function keywordOf(token: string): (typeof KEYWORDS)[number][2] | undefined {
  const upper = token.toUpperCase();
  for (const [short, long, kind] of KEYWORDS) if (upper === short || upper === long) return kind;
  return undefined;
}

function required(token: string | undefined, what: string): string {
  const t = token?.trim();
  if (t === undefined || t === '') throw new ScpiError(ScpiErrorCode.MissingParameter, `expected ${what}`);
  return t;
}

function notANumber(token: string, expected: string): ScpiError {
  return new ScpiError(ScpiErrorCode.DataTypeError, `'${token}' is not a number; expected ${expected}`);
}

function describeUnit(unit: string | undefined): string {
  return unit ? `a number in ${unit} (SI prefixes allowed)` : 'a plain number';
}

// Bounds computed by callers (1600 * 1e-9) can be an ulp off the value a user types (1600NM).
const BOUND_TOLERANCE = 1e-12;

function checkRange(value: number, token: string, opts: NumericOptions): number {
  const { min, max } = opts;
  const unit = opts.unit ? ` ${opts.unit}` : '';
  const range = `${min ?? '-INF'} to ${max ?? 'INF'}${unit}`;
  if (Number.isNaN(value) && (min !== undefined || max !== undefined)) {
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is not a number; expected ${range}`);
  }
  if (min !== undefined && value < min) {
    if (min - value <= Math.abs(min) * BOUND_TOLERANCE) return min;
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' (${value}${unit}) is outside ${range}`);
  }
  if (max !== undefined && value > max) {
    if (value - max <= Math.abs(max) * BOUND_TOLERANCE) return max;
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' (${value}${unit}) is outside ${range}`);
  }
  return value;
}

/**
 * A numeric parameter in the instrument's base unit: `1550NM` with unit 'M' → 1.55e-6, `100MS` with 'S' → 0.1.
 * A bare number is already in base units. MIN/MAX/DEF resolve to the options; INF/NINF/NAN per SCPI.
 */
export function parseNumeric(token: string | undefined, opts: NumericOptions = {}): number {
  const t = required(token, describeUnit(opts.unit));
  let value: number;
  const keyword = keywordOf(t);
  if (keyword === 'min' || keyword === 'max' || keyword === 'default') {
    const v = opts[keyword];
    if (v === undefined) {
      throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `'${t}' is not accepted here; expected ${describeUnit(opts.unit)}`);
    }
    return v;
  } else if (keyword !== undefined) {
    value = keyword === 'inf' ? Infinity : keyword === 'ninf' ? -Infinity : NaN;
  } else {
    const lexed = lexNumeric(t);
    if (!lexed) throw notANumber(t, describeUnit(opts.unit));
    value = applyUnit(lexed, t, opts.unit);
  }
  value = checkRange(value, t, opts);
  if (opts.integer && Number.isFinite(value) && !Number.isInteger(value)) {
    throw new ScpiError(ScpiErrorCode.DataTypeError, `'${t}' is not an integer; expected a whole number`);
  }
  return value;
}

function applyUnit(lexed: NumericToken, token: string, unit: string | undefined): number {
  if (lexed.suffix === undefined) return lexed.value;
  if (unit === undefined) {
    throw new ScpiError(ScpiErrorCode.SuffixNotAllowed, `'${token}': suffix '${lexed.suffix}' not allowed; expected a plain number`);
  }
  const resolved = resolveSuffix(lexed.suffix, [unit]);
  if (!resolved) {
    throw new ScpiError(ScpiErrorCode.InvalidSuffix, `'${token}': unit '${lexed.suffix}' is not ${unit}; expected ${describeUnit(unit)}`);
  }
  return scaledDecimal(lexed.mantissa, lexed.exponent + resolved.exponent, token);
}

/** A number that may carry any of `units` (e.g. ['DBM', 'W']); says which (undefined for a bare number). */
export function parseNumericWithUnit(token: string | undefined, units: readonly string[]): { value: number; unit: string | undefined } {
  const expected = `a number, optionally with a unit: ${units.join(', ')}`;
  const t = required(token, expected);
  const keyword = keywordOf(t);
  if (keyword === 'inf') return { value: Infinity, unit: undefined };
  if (keyword === 'ninf') return { value: -Infinity, unit: undefined };
  if (keyword === 'nan') return { value: NaN, unit: undefined };
  if (keyword !== undefined) throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `'${t}' is not accepted here; expected ${expected}`);
  const lexed = lexNumeric(t);
  if (!lexed) throw notANumber(t, expected);
  if (lexed.suffix === undefined) return { value: lexed.value, unit: undefined };
  const resolved = resolveSuffix(lexed.suffix, units);
  if (!resolved) throw new ScpiError(ScpiErrorCode.InvalidSuffix, `'${t}': unit '${lexed.suffix}' is none of ${units.join(', ')}`);
  return { value: scaledDecimal(lexed.mantissa, lexed.exponent + resolved.exponent, t), unit: resolved.unit };
}

/** ON|OFF|1|0; other numbers count as true when nonzero after rounding (as SCPI says). */
export function parseBoolean(token: string | undefined): boolean {
  const t = required(token, 'ON, OFF, 1 or 0');
  const upper = t.toUpperCase();
  if (upper === 'ON') return true;
  if (upper === 'OFF') return false;
  let lexed: NumericToken | undefined;
  try {
    lexed = lexNumeric(t);
  } catch {
    lexed = undefined;
  }
  if (!lexed || lexed.suffix !== undefined) {
    throw new ScpiError(ScpiErrorCode.DataTypeError, `'${t}' is not a boolean; expected ON, OFF, 1 or 0`);
  }
  return Math.round(lexed.value) !== 0;
}

/** The short form of a manual-style choice: its upper-case letters and digits ('CONTinuous' → 'CONT'). */
function shortForm(choice: string): string {
  return choice.replace(/[a-z]/g, '');
}

/** Enumerated character data; choices in manual form ('CONTinuous'); returns the choice as written. */
export function parseEnum<T extends string>(token: string | undefined, choices: readonly T[]): T {
  const listed = choices.join('|');
  const t = required(token, `one of ${listed}`);
  const upper = t.toUpperCase();
  for (const choice of choices) {
    if (upper === choice.toUpperCase() || upper === shortForm(choice).toUpperCase()) return choice;
  }
  throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `'${t}' is not one of ${listed}`);
}

/** A quoted string ('...' or "..."), with doubled quotes inside undone. */
export function parseString(token: string | undefined): string {
  const t = required(token, 'a quoted string');
  const q = t[0];
  if ((q !== '"' && q !== "'") || t.length < 2 || t[t.length - 1] !== q) {
    throw new ScpiError(ScpiErrorCode.InvalidStringData, `${t.length > 40 ? t.slice(0, 37) + '...' : t} is not a quoted string; expected "..." or '...'`);
  }
  const pieces = t.slice(1, -1).split(q + q);
  if (pieces.some((p) => p.includes(q))) {
    throw new ScpiError(ScpiErrorCode.InvalidStringData, `${t} has a lone ${q} inside; double it to include it`);
  }
  return pieces.join(q);
}

/** A block parameter (`#<n><len><bytes>` or `#0<bytes>`) kept whole by parseProgramMessage → its payload. */
export function parseBlockParameter(token: string | undefined): Uint8Array {
  if (token === undefined || token === '') throw new ScpiError(ScpiErrorCode.MissingParameter, 'expected a block #<n><length><bytes>');
  if (!/^#[0-9]/.test(token)) {
    throw new ScpiError(ScpiErrorCode.DataTypeError, `'${token.slice(0, 20)}' is not block data; expected #<n><length><bytes>`);
  }
  const bytes = Buffer.from(token, 'latin1');
  if (token[1] === '0') {
    // Indefinite: the rest of the message; the LF that ended it may still be there.
    const end = bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
    return new Uint8Array(bytes.subarray(2, end));
  }
  const scan = scanBlock(bytes);
  if (scan.status === 'invalid') throw new ScpiError(ScpiErrorCode.InvalidBlockData, scan.reason);
  if (scan.status === 'incomplete') {
    throw new ScpiError(ScpiErrorCode.InvalidBlockData, `block announces ${scan.needed ?? 'more'} bytes but has ${bytes.length}`);
  }
  if (scan.end !== bytes.length) {
    throw new ScpiError(ScpiErrorCode.InvalidBlockData, `${bytes.length - scan.end} bytes follow the block's announced length`);
  }
  return new Uint8Array(bytes.subarray(scan.payloadStart, scan.payloadEnd));
}
