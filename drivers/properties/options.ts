// A driver's `options:` from the bench file, checked with a zod schema; a bad one is a DriverOptionError
// naming the driver and the option (an unknown one with the options the driver has).
import { z } from 'zod';
import { DriverOptionError } from './errors.ts';

/** How an option the driver does not have is described (the problem text starts with it). */
export const UNKNOWN_OPTION = 'is unknown';

export function parseDriverOptions<S extends z.ZodType>(driver: string, schema: S, options: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  // A misspelt option is also a missing one; the unknown name is what the user needs to see.
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const known = optionNames(schema);
    throw new DriverOptionError(driver, issue.keys.join(', '), `${UNKNOWN_OPTION}; ${driver} takes ${known.length > 0 ? known.join(', ') : 'no options'}`);
  }
  const option = issue && issue.path.length > 0 ? issue.path.join('.') : '(options)';
  throw new DriverOptionError(driver, option, issue?.message ?? 'is invalid');
}

/** The option names of an object schema (zod keeps them in `shape`); [] for any other schema. */
function optionNames(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: unknown }).shape;
  return shape !== null && typeof shape === 'object' ? Object.keys(shape) : [];
}

/** A `[min, max]` option (a range narrower than the instrument's own); `item` adds a bound of its own (e.g. positive). */
export function rangeOption(item: z.ZodNumber = z.number()) {
  return z.tuple([item, item]).refine(([lo, hi]) => lo < hi, 'must be [min, max] with min < max');
}
