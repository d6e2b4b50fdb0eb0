// `wait`: lets bench time pass (`wait: 10s` or `wait: { duration: 10s }`); free on the simulator's fast clock.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { q } from '../schema/q.ts';
import type { StepDefinition } from '../step.ts';

export interface WaitParams {
  duration_s: number;
}

const duration = q.duration_s({ min: 0 });
const long = z.strictObject({ duration }, { error: 'expected a duration (wait: 10s) or { duration: 10s }' });

const schema: z.ZodType<WaitParams> = z.unknown().transform((raw, ctx) => {
  const r = raw !== null && typeof raw === 'object' ? long.safeParse(raw) : duration.safeParse(raw);
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    return z.NEVER;
  }
  return { duration_s: typeof r.data === 'number' ? r.data : r.data.duration };
});

export const waitStep: StepDefinition<WaitParams> = {
  kind: 'wait',
  description: 'let bench time pass',
  schema,
  tables: () => [],
  measurements: () => ({}),
  estimate_s: (p) => p.duration_s,
  async run(ctx, p) {
    if (ctx.wait_s) await ctx.wait_s(p.duration_s);
    else await sleep(p.duration_s * 1000, undefined, { signal: ctx.signal });
    return { measurements: {} };
  },
};
