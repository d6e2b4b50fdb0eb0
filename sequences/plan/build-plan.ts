// Sequence → plan: loops expanded, every step body parsed by its kind's schema, checked against the bench's
// declared capabilities (when a bench is known), tables and ETA computed, limits tied to the steps they
// judge. All problems are collected and thrown together as one SequenceError naming file, line and field.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SequenceError, type FieldPath, type SequenceIssue } from '../schema/errors.ts';
import { parameterScope, type LoadedSequence } from '../schema/load.ts';
import { zodMessage } from '../schema/sequence-file.ts';
import { registry as defaultRegistry } from '../steps/index.ts';
import { estimateMovesAtSetSpeed } from '../steps/set-estimate.ts';
import type { AnyStepDefinition, BenchInfo } from '../step.ts';
import { checkWafersOnBench } from '../wafer/wafer-bench-check.ts';
import type { MapPolicy } from '../wafer/map-path.ts';
import type { WaferLoopPlan } from '../wafer/wafer-plan.ts';
import { expandSteps } from './expand.ts';
import { planLimits } from './limits.ts';
import { estimateStepsInContext } from './plan-estimates.ts';
import { describeRoots, isInsideRoots } from './path-roots.ts';
import type { Plan, PlannedStep } from './plan-types.ts';

/** What estimates see when no bench is given (`benchctl validate` without --bench): no roles, no ranges. */
export const UNKNOWN_BENCH: BenchInfo = { name: '(no bench)', roles: {}, simulated: false };

export interface PlanOptions {
  /** The bench's capabilities; when given, each step's `validate` runs against it. */
  bench?: BenchInfo;
  registry?: readonly AnyStepDefinition[];
  /** Where `script` steps may load modules from; default anywhere (the shell user named the sequence file). */
  scripts?: ScriptPolicy;
  /** Where wafer loops' maps may be read from; default anywhere (as for scripts). */
  maps?: MapPolicy;
}

/**
 * Script steps run code with the service's rights, so a service taking sequences from others loads them only
 * from folders its operator configured, and never from a sequence sent as text.
 */
export type ScriptPolicy =
  | { kind: 'any' }
  | { kind: 'roots'; roots: readonly string[] }
  | { kind: 'refused'; reason: string; roots: readonly string[] };

export function buildPlan(seq: LoadedSequence, opts: PlanOptions = {}): Plan {
  const registry = opts.registry ?? defaultRegistry;
  const source = seq.source;
  const issues: SequenceIssue[] = [];
  const wafers: WaferLoopPlan[] = [];
  const expanded = expandSteps(source, seq.doc.steps, parameterScope(seq.parameters), issues, { baseDir: seq.baseDir, wafers, ...(opts.maps ? { maps: opts.maps } : {}) });
  const steps: PlannedStep[] = [];
  const bench = opts.bench ?? UNKNOWN_BENCH;
  if (opts.bench) checkWafersOnBench(source, seq.doc.steps, wafers, opts.bench, issues);

  for (const e of expanded) {
    const def = registry.find((d) => d.kind === e.kind);
    if (!def) {
      issues.push(source.issue(e.path, `unknown step kind '${e.kind}'; expected one of ${registry.map((d) => d.kind).join(', ')} or loop`, formatKindField(e.path)));
      continue;
    }
    if (e.kind === 'script') resolveScriptModule(e, seq.baseDir, source, issues, opts.scripts ?? { kind: 'any' });
    const parsed = def.schema.safeParse(e.body);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push(source.issue([...e.path, ...(i.path as (string | number)[])], zodMessage(i, e.body)));
      continue;
    }
    const params = parsed.data;
    if (opts.bench && def.validate) {
      for (const v of def.validate(params, opts.bench)) {
        issues.push(source.issue([...e.path, ...fieldPath(v.field)], `${v.message} (${e.stepId})`));
      }
    }
    let estimate_s = 0;
    try {
      estimate_s = def.estimate_s(params, bench);
    } catch (err) {
      issues.push(source.issue(e.path, `cannot estimate its duration: ${(err as Error).message}`));
    }
    const measurements = def.measurements?.(params);
    steps.push({
      stepId: e.stepId,
      templateId: e.templateId,
      kind: e.kind,
      definition: def,
      body: e.body,
      params,
      loop: e.loop,
      path: e.path,
      ...(e.wafer ? { wafer: e.wafer } : {}),
      tables: def.tables(params),
      ...(measurements ? { measurements } : {}),
      // A reprobe pass's steps run only for the die-sites binned so, unknown until then: not in the estimate.
      estimate_s: e.wafer?.pass === undefined && Number.isFinite(estimate_s) && estimate_s > 0 ? estimate_s : 0,
    });
  }
  // A stage move's ETA needs the speed and position earlier steps left: known only in run order.
  estimateMovesAtSetSpeed(steps);
  estimateStepsInContext(steps, bench, wafers);
  const limits = planLimits(source, seq.doc.limits, steps, issues);
  if (issues.length) throw new SequenceError(dedupe(issues));
  return { sequence: seq, steps, limits, estimate_s: steps.reduce((s, p) => s + p.estimate_s, 0), ...(wafers.length ? { wafers } : {}) };
}

/** A script's module path is relative to the sequence file, not to wherever benchctl was started. */
function resolveScriptModule(e: { body: unknown; path: FieldPath }, baseDir: string, source: LoadedSequence['source'], issues: SequenceIssue[], policy: ScriptPolicy): void {
  const body = e.body as { module?: unknown } | null;
  if (policy.kind === 'refused') {
    issues.push(source.issue(e.path, `script steps are refused in ${policy.reason}: a script runs code on this machine; put the sequence and its module in a configured folder (${describeRoots(policy.roots)}) and load it from there`));
    return;
  }
  if (body === null || typeof body !== 'object' || typeof body.module !== 'string' || body.module === '') return;
  const abs = resolve(baseDir, body.module);
  if (policy.kind === 'roots' && !isInsideRoots(abs, policy.roots)) {
    issues.push(source.issue([...e.path, 'module'], `script module ${abs} is outside the folders scripts may load from; expected a module inside ${describeRoots(policy.roots)} (the sequence library or a --scripts folder)`));
    return;
  }
  if (!existsSync(abs)) issues.push(source.issue([...e.path, 'module'], `no such module ${abs}; expected a .ts or .js file relative to the sequence file`));
  e.body = { ...body, module: abs };
}

function formatKindField(path: FieldPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

/** 'sites.0.X' → ['sites', 0, 'X']. */
function fieldPath(field: string): (string | number)[] {
  if (!field) return [];
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** A loop repeats the same problem once per iteration; say it once. */
function dedupe(issues: SequenceIssue[]): SequenceIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.col}:${i.field}:${i.message.replace(/ \([^)]*\)$/, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
