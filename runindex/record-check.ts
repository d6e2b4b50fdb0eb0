// What the index needs of a run.json, checked before anything is written: a damaged or foreign file is
// refused naming the file and the field, never half-indexed. Only the fields the index reads are checked;
// the rest of the record passes through.
import { z } from 'zod';
import type { RunRecord } from '../sequences/records/run-record.ts';

const measurement = z.object({ value: z.number().nullable(), unit: z.string() });
const fit = z.object({ parameters: z.record(z.string(), z.object({ value: z.number().nullable(), sigma: z.number().nullable().optional(), unit: z.string() })) });
const table = z.object({ name: z.string(), file: z.string(), rows: z.number() });
const step = z.object({
  stepId: z.string(), kind: z.string(), loop: z.record(z.string(), z.unknown()),
  measurements: z.record(z.string(), measurement), fits: z.record(z.string(), fit), tables: z.array(table),
});
const limit = z.object({ measurement: z.string(), stepId: z.string(), passed: z.boolean(), min: z.number().optional(), max: z.number().optional() });

const dieResult = z.object({
  loopId: z.string(), die: z.string(), col: z.number(), row: z.number(), site: z.string(), passed: z.boolean(), bin: z.number().int(),
  binName: z.string(), pass: z.number().int().min(1).optional(), error: z.string().optional(),
});
const wafer = z.object({ map: z.object({ wafer: z.string() }), results: z.array(dieResult) });

const record = z.object({
  runId: z.string().min(1),
  status: z.enum(['running', 'passed', 'failed', 'aborted', 'error']),
  passed: z.boolean().nullable(),
  message: z.string().optional(),
  sequence: z.object({ name: z.string() }),
  metadata: z.record(z.string(), z.unknown()),
  bench: z.object({ name: z.string(), simulated: z.boolean() }),
  software: z.object({ version: z.string() }),
  started: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date'),
  finished: z.string().optional(),
  steps: z.array(step),
  limits: z.array(limit),
  wafer: wafer.optional(),
  wafers: z.array(wafer).optional(),
});

export class RunRecordError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'RunRecordError';
  }
}

/** Parses run.json's text; throws RunRecordError naming `file` and what was wrong. */
export function checkRunRecord(file: string, text: string): RunRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RunRecordError(file, `not valid JSON (${(err as Error).message}); the run's record is damaged`);
  }
  const parsed = record.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => {
      const path = i.path.length ? i.path.join('.') : '(the record)';
      const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
      return missing ? `${path}: missing` : `${path}: ${i.message}`;
    });
    throw new RunRecordError(file, `not a run record: ${problems.join('; ')}`);
  }
  return json as RunRecord;
}
