// Response data an instrument sends (IEEE 488.2 8.7): NR1 integers, NR3 floats, booleans, strings, lists.

// SCPI's stand-ins for values a number cannot carry (SCPI-99 vol. 1, 7.2.1.5).
const NAN_TEXT = '9.91E+37';
const INF_TEXT = '+9.9E+37';
const NINF_TEXT = '-9.9E+37';

function nonFinite(n: number): string {
  return Number.isNaN(n) ? NAN_TEXT : n > 0 ? INF_TEXT : NINF_TEXT;
}

/** NR1: an integer (rounded), e.g. `42`, `-3`. */
export function formatNR1(n: number): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  const r = Math.round(n);
  if (r === 0) return '0';
  // String(1e21) would switch to exponent notation, which NR1 does not allow.
  return Math.abs(r) < 1e21 ? String(r) : BigInt(r).toString();
}

/** NR2: fixed point with `decimals` digits after the point, e.g. `1550.0000` (Santec replies this way). */
export function formatNR2(n: number, decimals = 4): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  const text = n.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** NR3: `+1.55000000E-06` (sign, mantissa with `digits` decimals, `E`, signed exponent of 2+ digits). */
export function formatNR3(n: number, digits = 8): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  const [mantissa = '0', exp = '0'] = Math.abs(n).toExponential(digits).split('e');
  const e = Number(exp);
  const sign = n < 0 ? '-' : '+';
  return `${sign}${mantissa}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

export function formatBoolean(b: boolean): string {
  return b ? '1' : '0';
}

/** A string response `"..."`, inner double quotes doubled. */
export function formatString(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Comma-joined values, NR3 unless another formatter is given. */
export function formatList(values: readonly number[], fmt: (n: number) => string = (n) => formatNR3(n)): string {
  return values.map(fmt).join(',');
}
