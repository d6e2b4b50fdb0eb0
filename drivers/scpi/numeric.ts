// Decimal numeric program data (IEEE 488.2 7.7.2) and suffixes with SCPI's SI prefixes (SCPI-99 7.7.3).
// Lexing only: what a number token says. params.ts decides what an instrument accepts.
import { ScpiError, ScpiErrorCode } from './errors.ts';

/** SCPI's SI prefixes as powers of ten. `M` is milli; mega is `MA` (but see MHZ and MOHM). */
export const SI_PREFIXES: Readonly<Record<string, number>> = {
  EX: 18, PE: 15, T: 12, G: 9, MA: 6, K: 3, M: -3, U: -6, N: -9, P: -12, F: -15, A: -18,
};

/** Suffixes where SCPI reads a leading M as mega rather than milli. */
const MEGA_EXCEPTIONS: Readonly<Record<string, string>> = { MHZ: 'HZ', MOHM: 'OHM' };

// IEEE 488.2: at most 255 mantissa characters; exponents within ±32000.
const MAX_MANTISSA_DIGITS = 255;
const MAX_EXPONENT = 32000;

export interface NumericToken {
  /** The value without any suffix applied. */
  value: number;
  /** Canonical decimal text `<sign><digits>.<digits>` and power of ten, for exact rescaling. */
  mantissa: string;
  exponent: number;
  /** The suffix as sent (trimmed), or undefined for a bare number. */
  suffix: string | undefined;
}

const MANTISSA = /^([+-]?)(\d*)(?:\.(\d*))?/;
const EXPONENT = /^[eE]([+-]?)(\d+)/;
const SUFFIX = /^[A-Za-z/][A-Za-z0-9/.-]*$/;

/**
 * Reads `<mantissa>[E<exp>][ ][<suffix>]`, or a `#H`/`#Q`/`#B` non-decimal integer.
 * Returns undefined when the token does not start like a number (so the caller can try keywords).
 */
export function lexNumeric(token: string): NumericToken | undefined {
  if (token.startsWith('#')) return lexNonDecimal(token);
  const m = MANTISSA.exec(token);
  const intPart = m?.[2] ?? '';
  const fracPart = m?.[3] ?? '';
  if (!m || (intPart === '' && fracPart === '')) {
    // '.', '+', '-E3' and the like start a number but hold no digits.
    if (/^[+-.]/.test(token)) throw new ScpiError(ScpiErrorCode.NumericDataError, `'${token}' has no digits`);
    return undefined;
  }
  const digits = (intPart + fracPart).replace(/^0+/, '');
  if (m[0].length > MAX_MANTISSA_DIGITS || digits.length > MAX_MANTISSA_DIGITS) {
    throw new ScpiError(ScpiErrorCode.TooManyDigits, `'${token.slice(0, 20)}...' has more than ${MAX_MANTISSA_DIGITS} mantissa characters`);
  }
  let rest = token.slice(m[0].length);
  let exponent = 0;
  const e = EXPONENT.exec(rest);
  if (e) {
    const mag = Number(e[2]);
    if (mag > MAX_EXPONENT) throw new ScpiError(ScpiErrorCode.ExponentTooLarge, `exponent of '${token}' is beyond ±${MAX_EXPONENT}`);
    exponent = e[1] === '-' ? -mag : mag;
    rest = rest.slice(e[0].length);
  }
  rest = rest.trim();
  let suffix: string | undefined;
  if (rest !== '') {
    if (!/^[A-Za-z/]/.test(rest)) {
      throw new ScpiError(ScpiErrorCode.InvalidCharacterInNumber, `'${rest[0] ?? ''}' in number '${token}'`);
    }
    if (!SUFFIX.test(rest)) throw new ScpiError(ScpiErrorCode.InvalidSuffix, `'${rest}' in '${token}' is not a unit suffix`);
    suffix = rest;
  }
  const mantissa = `${m[1] === '-' ? '-' : ''}${intPart || '0'}.${fracPart || '0'}`;
  const value = scaledDecimal(mantissa, exponent, token);
  return { value, mantissa, exponent, suffix };
}

function lexNonDecimal(token: string): NumericToken | undefined {
  const m = /^#([HQB])(.*)$/i.exec(token);
  if (!m) return undefined;
  const radix = { H: 16, Q: 8, B: 2 }[(m[1] ?? 'H').toUpperCase() as 'H' | 'Q' | 'B'];
  const body = (m[2] ?? '').trim();
  const valid = radix === 16 ? /^[0-9A-F]+$/i : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(body)) {
    throw new ScpiError(ScpiErrorCode.InvalidCharacterInNumber, `'${token}' is not a base-${radix} number`);
  }
  const value = parseInt(body, radix);
  return { value, mantissa: `${value}.0`, exponent: 0, suffix: undefined };
}

/** mantissa × 10^exponent, rounded once (so `1550NM` is exactly the double nearest 1.55e-6). */
export function scaledDecimal(mantissa: string, exponent: number, token: string): number {
  const v = Number(`${mantissa}e${exponent}`);
  if (!Number.isFinite(v)) throw new ScpiError(ScpiErrorCode.ExponentTooLarge, `'${token}' is too large to represent`);
  return v;
}

/** dB-type units are logarithmic: an SI prefix on them is meaningless. */
function takesPrefix(unit: string): boolean {
  return !unit.startsWith('DB');
}

/**
 * Which of `units` a suffix names, and the power of ten its prefix adds. `units` are SCPI spellings
 * ('M', 'HZ', 'DBM', 'M/S'); the longest unit that fits wins, so 'DBM' is not read as milli-'B'.
 */
export function resolveSuffix(suffix: string, units: readonly string[]): { unit: string; exponent: number } | undefined {
  const upper = suffix.toUpperCase();
  const mega = MEGA_EXCEPTIONS[upper];
  if (mega !== undefined) {
    const unit = units.find((u) => u.toUpperCase() === mega);
    if (unit !== undefined) return { unit, exponent: 6 };
  }
  const sorted = [...units].sort((a, b) => b.length - a.length);
  for (const unit of sorted) {
    const u = unit.toUpperCase();
    if (!upper.endsWith(u)) continue;
    const prefix = upper.slice(0, upper.length - u.length);
    if (prefix === '') return { unit, exponent: 0 };
    const exp = SI_PREFIXES[prefix];
    if (exp !== undefined && takesPrefix(u)) return { unit, exponent: exp };
  }
  return undefined;
}
