// Small checks the simulated instruments' handlers share: parameter count, numeric-suffix range, and the
// MIN|MAX|DEF form of numeric queries.
import { ScpiError, ScpiErrorCode, parseEnum } from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';

/** The parameters, checked for count: fewer than `min` → -109, more than `max` → -108. */
export function params(args: HandlerArgs, min: number, max = min): string[] {
  const p = args.params;
  if (p.length < min) {
    throw new ScpiError(ScpiErrorCode.MissingParameter, `${args.cmd.header} needs ${min === max ? min : `${min}-${max}`} parameter(s)`);
  }
  if (p.length > max) {
    throw new ScpiError(ScpiErrorCode.ParameterNotAllowed, `${args.cmd.header} takes ${max === 0 ? 'no' : `at most ${max}`} parameter(s)`);
  }
  return p;
}

/** The first parameter of a one-parameter command (-109 when missing, -108 when more are given). */
export function param(args: HandlerArgs): string {
  return params(args, 1)[0] as string;
}

/** No parameters allowed (-108 otherwise). */
export function noParams(args: HandlerArgs): void {
  params(args, 0);
}

/**
 * The `index`-th numeric suffix of the matched header, checked against [min, max]
 * (-114 "Header suffix out of range" otherwise, naming the header and the allowed range).
 */
export function suffix(args: HandlerArgs, index: number, min: number, max: number): number {
  const n = args.match.suffixes[index];
  if (n === undefined) throw new Error(`pattern for ${args.cmd.header} has no numeric suffix #${index}`);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ScpiError(ScpiErrorCode.HeaderSuffixOutOfRange, `${args.cmd.header}: suffix ${n} not in ${min}-${max}`);
  }
  return n;
}

/** A numeric setting's range and *RST value, in the unit the instrument answers in. */
export interface NumericLimits {
  min: number;
  max: number;
  /** What DEFault means for this setting; without it, `? DEF` is refused (-224). */
  default?: number;
}

/**
 * The value a numeric query answers. SCPI-99 §7.2.1.2 (and the Keysight 816x/N77xx guides for every
 * numeric setting, e.g. `:INP1:ATT? MIN|DEF|MAX`): the query takes an optional MINimum|MAXimum|DEFault
 * and then answers that limit instead of the present value. Any other parameter: -224; two: -108.
 */
export function numericQuery(args: HandlerArgs, current: () => number, limits: NumericLimits): number {
  const p = params(args, 0, 1)[0];
  if (p === undefined) return current();
  const which = parseEnum(p, limits.default === undefined ? ['MINimum', 'MAXimum'] : ['MINimum', 'MAXimum', 'DEFault']);
  if (which === 'MINimum') return limits.min;
  if (which === 'MAXimum') return limits.max;
  return limits.default as number;
}

/** The two handler shapes most settings take, with the instrument's own suffix check run first. */
export interface SettingHandlers {
  /** A setting with a command form (one parameter) and a query form (none). */
  setOrQuery(a: HandlerArgs, get: () => string, set: (token: string) => unknown): string | undefined;
  /** The same for a numeric setting whose query also answers `MIN|MAX|DEF` (numericQuery). */
  numericSetting(a: HandlerArgs, limits: NumericLimits, current: () => number, format: (v: number) => string,
    set: (token: string) => unknown): string | undefined;
}

export function settingHandlers(check: (a: HandlerArgs) => void = () => {}): SettingHandlers {
  return {
    setOrQuery(a, get, set) {
      check(a);
      if (a.match.query) {
        noParams(a);
        return get();
      }
      set(param(a));
      return undefined;
    },
    numericSetting(a, limits, current, format, set) {
      check(a);
      if (a.match.query) return format(numericQuery(a, current, limits));
      set(param(a));
      return undefined;
    },
  };
}
