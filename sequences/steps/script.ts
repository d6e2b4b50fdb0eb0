// `script`: calls an exported async function of a TypeScript/JavaScript module, for users who outgrow YAML.
// The function receives `{ bench, params, ctx }` and may return `{ measurements }`. Tables it writes with
// ctx.point are declared in the YAML (`tables: { readings: [x_um, power_dBm] }`) so they get their CSVs.
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Bench } from '../bench-port.ts';
import { q } from '../schema/q.ts';
import type { Measurement, StepContext, StepDefinition } from '../step.ts';

export interface ScriptParams {
  /** Absolute path (the plan resolves it against the sequence file's folder). */
  module: string;
  export: string;
  params: Record<string, unknown>;
  tables: Record<string, string[]>;
  estimate_s: number;
  measurements?: Record<string, string>;
}

export type ScriptFunction = (args: { bench: Bench; params: Record<string, unknown>; ctx: StepContext }) =>
  Promise<{ measurements?: Record<string, Measurement>; notes?: string[] } | void>;

export class ScriptStepError extends Error {
  override name = 'ScriptStepError';
}

const columnName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a column name carrying its unit, e.g. power_dBm');

const schema: z.ZodType<ScriptParams> = z.strictObject({
  module: z.string({ error: 'expected the path of a .ts or .js module, relative to the sequence file (e.g. ./my-step.ts)' }).min(1),
  export: z.string({ error: 'expected the name of the exported function (default: default)' }).default('default'),
  params: z.record(z.string(), z.unknown(), { error: 'expected a mapping of values passed to the function' }).default({}),
  tables: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a table name'), z.array(columnName).min(1, 'expected at least one column'),
    { error: 'expected table name → list of columns, e.g. { readings: [x_um, power_dBm] }' }).default({}),
  estimate: q.duration_s({ min: 0 }).default(1),
  measurements: z.record(z.string(), z.string(), { error: 'expected measurement name → unit, e.g. { peak_dBm: dBm }' }).optional(),
}, { error: 'expected { module, export, params, tables, estimate, measurements }' })
  .transform((b) => ({
    module: b.module, export: b.export, params: b.params, tables: b.tables, estimate_s: b.estimate as number,
    ...(b.measurements ? { measurements: b.measurements } : {}),
  }));

export async function loadScriptFunction(p: ScriptParams): Promise<ScriptFunction> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(p.module).href) as Record<string, unknown>;
  } catch (err) {
    throw new ScriptStepError(`script ${p.module}: cannot load: ${err instanceof Error ? err.message : String(err)}`);
  }
  const f = mod[p.export];
  if (typeof f !== 'function') {
    const exported = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new ScriptStepError(`script ${p.module}: export '${p.export}' is not a function; functions exported: ${exported.join(', ') || 'none'}`);
  }
  return f as ScriptFunction;
}

export const scriptStep: StepDefinition<ScriptParams> = {
  kind: 'script',
  description: 'call an exported async function of a TypeScript module',
  schema,
  tables: (p) => Object.entries(p.tables).map(([name, columns]) => ({ name, columns })),
  // Undeclared (no `measurements:` in the YAML) → undefined: limits on it are then judged when the run ends.
  measurements: (p) => p.measurements as Record<string, string>,
  estimate_s: (p) => p.estimate_s,
  async run(ctx, p) {
    const f = await loadScriptFunction(p);
    const result = await f({ bench: ctx.bench, params: p.params, ctx });
    for (const [name, m] of Object.entries(result?.measurements ?? {})) {
      if (typeof m?.value !== 'number' || typeof m.unit !== 'string') {
        throw new ScriptStepError(`script ${p.module}: measurement '${name}' must be { value: number, unit: string }`);
      }
    }
    return { measurements: result?.measurements ?? {}, ...(result?.notes ? { notes: result.notes } : {}) };
  },
};
