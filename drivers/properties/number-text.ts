// Numbers as SCPI program data: decimal text a person can read in a log ('1550.5NM', '0.1S'), exact to
// 12 significant digits (0.1 fm at 1550 nm), with an upper-case exponent only when the value needs one.

const SIGNIFICANT_DIGITS = 12;

/** `1550` → '1550', `0.0001` → '0.0001', `1e-7` → '1E-7', `1e12` → '1E+12'. Non-finite values throw. */
export function formatDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot send ${n} as SCPI numeric data`);
  const text = String(Number(n.toPrecision(SIGNIFICANT_DIGITS)));
  return text === '-0' ? '0' : text.toUpperCase();
}
