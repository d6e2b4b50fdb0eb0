// Limits: which step instances each one judges (resolved at plan time, so a limit on a measurement no step
// reports fails validation), and the pass/fail verdict at the end of the run.
import type { LimitResult } from '../events.ts';
import type { SequenceIssue } from '../schema/errors.ts';
import { kindOfUnit, parseQuantity, QuantityError, splitQuantity } from '../schema/quantity.ts';
import type { LimitDecl } from '../schema/sequence-file.ts';
import type { SourceFile } from '../schema/source.ts';
import type { Measurement } from '../step.ts';
import type { PlannedLimit, PlannedStep } from './plan-types.ts';

/** 'µm' and 'um' are one unit; 'Gbps' and 'Gb/s' too. */
export function normaliseUnit(unit: string): string {
  return unit.replace(/[µμ]/g, 'u').replace(/bps$/, 'b/s');
}

/** Does a `step:` selector pick this instance? Exact id, template id, or the template's last segment. */
export function selects(selector: string | undefined, step: PlannedStep): boolean {
  if (selector === undefined) return true;
  if (selector === step.stepId || selector === step.templateId) return true;
  return step.templateId.split('/').pop() === selector;
}

export function planLimits(source: SourceFile, decls: readonly LimitDecl[], steps: readonly PlannedStep[],
  issues: SequenceIssue[]): PlannedLimit[] {
  const out: PlannedLimit[] = [];
  for (const d of decls) {
    const candidates = steps.filter((s) => selects(d.step, s));
    if (d.step !== undefined && candidates.length === 0) {
      issues.push(source.issue([...d.path, 'step'], `no step matches '${d.step}'; expected one of ${[...new Set(steps.map((s) => s.templateId))].join(', ')}`));
      continue;
    }
    const declaring = candidates.filter((s) => s.measurements !== undefined);
    const reporting = declaring.filter((s) => s.measurements?.[d.measurement] !== undefined);
    const undeclared = candidates.filter((s) => s.measurements === undefined);
    if (reporting.length === 0 && undeclared.length === 0) {
      const known = [...new Set(declaring.flatMap((s) => Object.keys(s.measurements ?? {})))];
      issues.push(source.issue([...d.path, 'measurement'], `unknown measurement '${d.measurement}'; ` +
        `${d.step ? `step '${d.step}'` : 'the steps'} report ${known.length ? known.join(', ') : 'no measurements'}`));
      continue;
    }
    const unit = reporting[0]?.measurements?.[d.measurement];
    const bounds: { min?: number; max?: number; unit: string } = { unit: unit ?? '' };
    let ok = true;
    for (const key of ['min', 'max'] as const) {
      const raw = d[key];
      if (raw === undefined) continue;
      const parsed = parseBound(raw, unit);
      if ('error' in parsed) {
        issues.push(source.issue([...d.path, key], parsed.error));
        ok = false;
      } else {
        bounds[key] = parsed.value;
        bounds.unit = parsed.unit;
      }
    }
    if (!ok) continue;
    out.push({
      label: d.name ?? `${d.step ? `${d.step}.` : ''}${d.measurement}`,
      measurement: d.measurement,
      ...(d.step !== undefined ? { step: d.step } : {}),
      ...bounds,
      // A step picked by name must report it; an unselected step that declares nothing is judged only if it does.
      stepIds: (d.step === undefined ? reporting : [...reporting, ...undeclared]).map((s) => s.stepId),
      maybeStepIds: d.step === undefined ? undeclared.map((s) => s.stepId) : [],
      path: d.path,
    });
  }
  return out;
}

/** A bound in the measurement's unit: `-10dBm` for a dBm measurement, a bare number for a unitless one. */
function parseBound(raw: unknown, unit: string | undefined): { value: number; unit: string } | { error: string } {
  if (unit !== undefined) {
    const kind = unit === '' ? undefined : kindOfUnit(unit) ?? kindOfUnit(normaliseUnit(unit));
    if (!kind) {
      const n = typeof raw === 'number' ? raw : Number(raw);
      if (Number.isFinite(n)) return { value: n, unit };
      // A unit the quantity kinds do not know: accept the same unit written out.
      const parts = typeof raw === 'string' ? splitQuantity(raw) : null;
      if (parts && normaliseUnit(parts.unit) === normaliseUnit(unit)) return { value: parts.value, unit };
      return { error: `expected a number${unit ? ` in ${unit}` : ''}, got ${JSON.stringify(raw)}` };
    }
    try {
      return { value: parseQuantity(raw, kind), unit };
    } catch (err) {
      if (err instanceof QuantityError) return { error: `${err.message}; the measurement is in ${unit}` };
      throw err;
    }
  }
  if (typeof raw === 'number') return { value: raw, unit: '' };
  const parts = typeof raw === 'string' ? splitQuantity(raw) : null;
  const kind = parts && parts.unit ? kindOfUnit(parts.unit) : undefined;
  if (!parts || (parts.unit && !kind)) return { error: `expected a bound with the measurement's unit (e.g. -10dBm), got ${JSON.stringify(raw)}` };
  return kind ? { value: parseQuantity(raw, kind), unit: parts.unit === 'nm' ? 'nm' : kindUnit(kind) } : { value: parts.value, unit: '' };
}

function kindUnit(kind: string): string {
  return kind.slice(kind.indexOf('_') + 1).replace('_', '/');
}

/** Judges every limit against the measurements each step instance reported. */
export function evaluateLimits(limits: readonly PlannedLimit[], measured: ReadonlyMap<string, Record<string, Measurement>>): LimitResult[] {
  const out: LimitResult[] = [];
  for (const l of limits) {
    const optional = l.maybeStepIds.filter((id) => measured.get(id)?.[l.measurement] !== undefined);
    if (l.stepIds.length + optional.length === 0) {
      out.push({ measurement: l.measurement, stepId: l.step ?? '', unit: l.unit, value: null, passed: false, reason: 'no step reported it' });
    }
    for (const stepId of [...l.stepIds, ...optional]) {
      const m = measured.get(stepId)?.[l.measurement];
      const base = { measurement: l.measurement, stepId, unit: l.unit, ...(l.min !== undefined ? { min: l.min } : {}), ...(l.max !== undefined ? { max: l.max } : {}) };
      if (!measured.has(stepId)) {
        out.push({ ...base, value: null, passed: false, reason: 'the step did not finish' });
      } else if (!m) {
        out.push({ ...base, value: null, passed: false, reason: `the step reported no '${l.measurement}'` });
      } else if (l.unit !== '' && normaliseUnit(m.unit) !== normaliseUnit(l.unit)) {
        out.push({ ...base, value: m.value, passed: false, reason: `reported in ${m.unit}, the limit is in ${l.unit}` });
      } else {
        const passed = Number.isFinite(m.value) && (l.min === undefined || m.value >= l.min) && (l.max === undefined || m.value <= l.max);
        out.push({ ...base, unit: m.unit, value: m.value, passed });
      }
    }
  }
  return out;
}
