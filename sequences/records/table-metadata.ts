// The `# key: value` lines at the top of each table: enough to read the CSV alone, in a spreadsheet, years
// later — which run, sequence, DUT, bench and instruments, which step with which loop variables, the units.
import type { Plan, PlannedStep } from '../plan/plan-types.ts';
import type { RunRecord } from './run-record.ts';
import { unitsLine } from './units.ts';

export interface TableHead {
  table: string;
  columns: readonly string[];
  description?: string;
  /** More lines after the step's (a re-run's phase). */
  extra?: readonly (readonly [string, string])[];
}

export function tableMetadata(plan: Plan, record: Readonly<RunRecord>, step: PlannedStep, head: TableHead, started: string): [string, string][] {
  const seq = plan.sequence;
  const m = seq.metadata;
  return [
    ['run', record.runId], ['sequence', seq.doc.name], ['dut', m.dut],
    ...(['lot', 'operator', 'notes'] as const).filter((k) => m[k] !== undefined).map((k): [string, string] => [k, String(m[k])]),
    ['bench', record.bench.name],
    ...Object.entries(record.bench.identities).map(([role, id]): [string, string] => [`instrument ${role}`, id]),
    ['software', `${record.software.name} ${record.software.version}`],
    ['step', step.stepId], ['kind', step.kind], ['table', head.table],
    ...(head.description ? [['description', head.description] as [string, string]] : []),
    ...Object.entries(step.loop).map(([k, v]): [string, string] => [`loop ${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
    ...(head.extra ?? []).map(([k, v]): [string, string] => [k, v]),
    ['units', unitsLine(head.columns)],
    ['started', started],
  ];
}
