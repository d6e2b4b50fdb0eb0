// `log`: a message into the run's events and records (`log: "site ${site} done"`), optionally as a warning.
import { z } from 'zod';
import type { StepDefinition } from '../step.ts';

export interface LogParams {
  message: string;
  level: 'info' | 'warning';
}

const schema: z.ZodType<LogParams> = z.union([
  z.string().transform((message) => ({ message, level: 'info' as const })),
  z.strictObject({
    message: z.string({ error: 'expected the message text' }),
    level: z.enum(['info', 'warning'], { error: 'expected info or warning' }).default('info'),
  }),
], { error: 'expected a message (log: "text") or { message, level: info | warning }' });

export const logStep: StepDefinition<LogParams> = {
  kind: 'log',
  description: 'write a message to the run log',
  schema,
  tables: () => [],
  measurements: () => ({}),
  estimate_s: () => 0,
  async run(ctx, p) {
    if (p.level === 'warning') ctx.warn(p.message);
    else ctx.log(p.message);
    return { measurements: {} };
  },
};
