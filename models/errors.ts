// The one error class the models throw for arguments outside their physical domain.
// It extends RangeError so callers may catch either; `field` names the offending argument.

export class ModelInputError extends RangeError {
  override readonly name = 'ModelInputError';
  constructor(
    /** The function (or model) that refused the input, e.g. `mwToDbm`. */
    readonly where: string,
    /** The argument or field, e.g. `power_mW`. */
    readonly field: string,
    readonly value: unknown,
    /** What was expected, e.g. `a finite number >= 0`. */
    readonly expected: string,
  ) {
    super(`${where}: ${field} must be ${expected}, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number. */
export function requireFinite(where: string, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ModelInputError(where, field, value, 'a finite number');
  return value;
}

/** Throws unless `value` is a finite number > 0. */
export function requirePositive(where: string, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ModelInputError(where, field, value, 'a finite number > 0');
  return value;
}

/** Throws unless `value` is a finite number >= 0. */
export function requireNonNegative(where: string, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ModelInputError(where, field, value, 'a finite number >= 0');
  return value;
}
