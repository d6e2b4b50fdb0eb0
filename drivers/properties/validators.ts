// Checks applied to a value before anything is sent. A validator returns null when the value is fine and
// otherwise what was expected ('1480…1640 nm'), which InvalidSettingError turns into the message.

export type Validator<T> = (value: T) => string | null;

export interface Range {
  min: number;
  max: number;
}

/** A finite number within [min, max] (inclusive); `unit` is shown in the message. */
export function inRange(range: Range | (() => Range), unit: string): Validator<number> {
  return (value) => {
    const { min, max } = typeof range === 'function' ? range() : range;
    const expected = `a number within ${min}…${max}${unit ? ` ${unit}` : ''}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) return expected;
    return value >= min && value <= max ? null : expected;
  };
}

/** A finite number > 0. */
export function positive(unit: string): Validator<number> {
  return (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? null : `a finite number > 0${unit ? ` ${unit}` : ''}`);
}

/** An integer within [min, max]. */
export function integerIn(min: number, max: number): Validator<number> {
  return (value) => (Number.isInteger(value) && value >= min && value <= max ? null : `an integer within ${min}…${max}`);
}

export function oneOf<T extends string>(choices: readonly T[]): Validator<T> {
  return (value) => (choices.includes(value) ? null : `one of ${choices.join(', ')}`);
}

export const isBoolean: Validator<boolean> = (value) => (typeof value === 'boolean' ? null : 'true or false');

/** Every validator must pass; the first complaint wins. */
export function allOf<T>(...validators: Validator<T>[]): Validator<T> {
  return (value) => {
    for (const v of validators) {
      const problem = v(value);
      if (problem !== null) return problem;
    }
    return null;
  };
}
