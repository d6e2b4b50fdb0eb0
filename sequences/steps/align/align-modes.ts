// One `align` step kind, two alignments: a body that lists `channels` is a fiber-array alignment on a
// hexapod (array-step.ts); any other is the single-fiber alignment. Each body is checked by its own
// schema, so its errors read as they would alone.
import { z } from 'zod';
import type { StepDefinition } from '../../step.ts';
import { arrayAlignStep } from './array-step.ts';
import { isArrayAlignBody, isArrayAlignParams } from './array-schema.ts';
import type { ArrayAlignParams } from './array-schema.ts';

export function withArrayAlign<P extends object>(single: StepDefinition<P>): StepDefinition<P | ArrayAlignParams> {
  const schema = z.unknown().transform((body, ctx): P | ArrayAlignParams => {
    const r = isArrayAlignBody(body) ? arrayAlignStep.schema.safeParse(body) : single.schema.safeParse(body);
    if (r.success) return r.data as P | ArrayAlignParams;
    for (const issue of r.error.issues) ctx.addIssue({ ...issue } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
  const pick = <R>(p: P | ArrayAlignParams, array: (a: ArrayAlignParams) => R, one: (s: P) => R): R => (isArrayAlignParams(p) ? array(p) : one(p as P));
  return {
    kind: single.kind,
    description: `${single.description ?? single.kind}; with \`channels\`: ${arrayAlignStep.description ?? ''}`,
    schema: schema as unknown as z.ZodType<P | ArrayAlignParams>,
    tables: (p) => pick(p, (a) => arrayAlignStep.tables(a), (s) => single.tables(s)),
    measurements: (p) => pick(p, (a) => arrayAlignStep.measurements?.(a) ?? {}, (s) => single.measurements?.(s) ?? {}),
    validate: (p, bench) => pick(p, (a) => arrayAlignStep.validate?.(a, bench) ?? [], (s) => single.validate?.(s, bench) ?? []),
    estimate_s: (p, bench) => pick(p, (a) => arrayAlignStep.estimate_s(a, bench), (s) => single.estimate_s(s, bench)),
    estimateInPlan: (p, bench, c) => pick(p, (a) => arrayAlignStep.estimate_s(a, bench),
      (s) => (single.estimateInPlan ? single.estimateInPlan(s, bench, c) : single.estimate_s(s, bench))),
    run: (ctx, p) => pick(p, (a) => arrayAlignStep.run(ctx, a), (s) => single.run(ctx, s)),
  };
}
