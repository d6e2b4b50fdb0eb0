// The bench file's `options:` every stage driver understands.
import { z } from 'zod';
import { parseDriverOptions } from '../properties/options.ts';

const STAGE_OPTIONS = z.strictObject({
  /**
   * Switch the servos/motors of the bench file's axes on when the driver opens (default true). It moves
   * nothing: an enabled servo holds the axis where it is. false leaves the controller as it is.
   */
  enable: z.boolean({ error: 'expected true or false' }).default(true),
}, {
  error: (issue) => (issue.code === 'unrecognized_keys'
    ? `has unknown option(s) ${issue.keys.join(', ')}; stage drivers take: enable`
    : 'must be a map; stage drivers take: enable'),
});

export type StageOptions = z.output<typeof STAGE_OPTIONS>;

/** Checks a stage's `options:`; DriverOptionError names the driver and the option. */
export function parseStageOptions(driver: string, options: Record<string, unknown>): StageOptions {
  return parseDriverOptions(driver, STAGE_OPTIONS, options);
}
