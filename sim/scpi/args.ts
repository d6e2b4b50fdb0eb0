// Small checks the simulated instruments' handlers share: parameter count and numeric-suffix range.
import { ScpiError, ScpiErrorCode } from '../../drivers/scpi/index.ts';
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
