// A driver's `options:` from the bench file, checked with a zod schema; a bad one is a DriverOptionError
// naming the driver and the option.
import type { z } from 'zod';
import { DriverOptionError } from './errors.ts';

export function parseDriverOptions<S extends z.ZodType>(driver: string, schema: S, options: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const option = issue && issue.path.length > 0 ? issue.path.join('.') : '(options)';
  throw new DriverOptionError(driver, option, issue?.message ?? 'is invalid');
}
