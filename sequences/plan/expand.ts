// Expands loops into step instances with stable ids: `sites[B]/align`, `channels[2]/measure`,
// `power[-3dBm]/ber`. Substitutes parameters and loop variables into each body. A site loop inserts a `set`
// step moving the stage to the site (`sites[B]/goto`), so the move is planned, limit-checked and recorded.
import type { FieldPath, SequenceIssue } from '../schema/errors.ts';
import { resolveRefs, type RefIssue } from '../schema/parameters.ts';
import { parseQuantity, QuantityError } from '../schema/quantity.ts';
import type { LoopNode, SequenceNode } from '../schema/sequence-file.ts';
import type { SourceFile } from '../schema/source.ts';
import { waferIterations } from '../wafer/wafer-loop.ts';
import type { MapPolicy } from '../wafer/map-path.ts';
import type { WaferLoopPlan, WaferStepRef } from '../wafer/wafer-plan.ts';

export interface ExpandedStep {
  stepId: string;
  templateId: string;
  kind: string;
  body: unknown;
  loop: Record<string, unknown>;
  path: FieldPath;
  /** Set for the steps of a wafer loop's die-site. */
  wafer?: WaferStepRef;
}

interface Scope {
  vars: Map<string, unknown>;
  loop: Record<string, unknown>;
  idPrefix: string;
  templatePrefix: string;
  wafer?: { plan: WaferLoopPlan; key: string; pass?: number };
}

export interface ExpandOptions {
  /** Where a wafer loop's map path is relative to (the sequence file's folder). */
  baseDir?: string;
  /** Where wafer maps may be read from; default anywhere. */
  maps?: MapPolicy;
  /** Wafer loops found, with their die-sites' step ids. */
  wafers?: WaferLoopPlan[];
}

export function expandSteps(source: SourceFile, nodes: readonly SequenceNode[], parameters: Map<string, unknown>,
  issues: SequenceIssue[], opts: ExpandOptions = {}): ExpandedStep[] {
  const out: ExpandedStep[] = [];
  walk(source, nodes, { vars: parameters, loop: {}, idPrefix: '', templatePrefix: '' }, out, issues, opts);
  return out;
}

function waferRef(scope: Scope, goto: boolean): { wafer?: WaferStepRef } {
  if (!scope.wafer) return {};
  const pass = scope.wafer.pass;
  return { wafer: { loopId: scope.wafer.plan.loopId, key: scope.wafer.key, goto, ...(pass !== undefined && pass > 1 ? { pass } : {}) } };
}

function pushStep(out: ExpandedStep[], scope: Scope, step: ExpandedStep): void {
  out.push(step);
  scope.wafer?.plan.dieSites.find((d) => d.key === scope.wafer?.key)?.stepIds.push(step.stepId);
}

/** Default ids are the kind (or loop name), numbered from the second on: sweep, sweep#2. */
function assignIds(source: SourceFile, nodes: readonly SequenceNode[], issues: SequenceIssue[]): string[] {
  const explicit = new Set(nodes.flatMap((n) => (n.id ? [n.id] : [])));
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  return nodes.map((n) => {
    if (n.id) {
      if (seen.has(n.id)) issues.push(source.issue([...n.path.slice(0, n.type === 'step' ? -1 : undefined), 'id'], `duplicate step id '${n.id}'; ids must be unique among siblings`));
      seen.add(n.id);
      return n.id;
    }
    const base = n.type === 'step' ? n.kind : loopName(n);
    let k = (counts.get(base) ?? 0) + 1;
    let id = k === 1 ? base : `${base}#${k}`;
    while (explicit.has(id) || seen.has(id)) id = `${base}#${++k}`;
    counts.set(base, k);
    seen.add(id);
    return id;
  });
}

function loopName(n: LoopNode): string {
  return n.loop.over === 'values' ? n.loop.var : n.loop.over;
}

function walk(source: SourceFile, nodes: readonly SequenceNode[], scope: Scope, out: ExpandedStep[], issues: SequenceIssue[], opts: ExpandOptions): void {
  const ids = assignIds(source, nodes, issues);
  nodes.forEach((node, i) => {
    const id = ids[i] as string;
    if (node.type === 'step') {
      const refIssues: RefIssue[] = [];
      const body = resolveRefs(node.body, scope.vars, node.path, refIssues);
      for (const r of refIssues) issues.push(source.issue(r.path, r.message));
      pushStep(out, scope, { stepId: scope.idPrefix + id, templateId: scope.templatePrefix + id, kind: node.kind, body, loop: { ...scope.loop }, path: node.path, ...waferRef(scope, false) });
      return;
    }
    const wafer = node.loop.over === 'wafer' ? waferLoop(source, node, scope, `${scope.idPrefix}${id}`, issues, opts) : undefined;
    for (const it of wafer?.iterations ?? iterations(source, node, scope, issues)) {
      const vars = new Map(scope.vars);
      for (const [k, v] of Object.entries(it.vars)) vars.set(k, v);
      const inner: Scope = {
        vars,
        loop: { ...scope.loop, ...it.loop },
        idPrefix: `${scope.idPrefix}${id}${it.idSegment ?? `[${it.key}]/`}`,
        templatePrefix: `${scope.templatePrefix}${id}/`,
        ...(wafer?.plan ? { wafer: { plan: wafer.plan, key: it.key, ...(it.pass !== undefined ? { pass: it.pass } : {}) } } : scope.wafer ? { wafer: scope.wafer } : {}),
      };
      if (it.goto) {
        pushStep(out, inner, {
          stepId: `${inner.idPrefix}goto`, templateId: `${inner.templatePrefix}goto`, kind: 'set', body: it.goto, loop: { ...inner.loop },
          path: [...node.path, 'loop', wafer ? 'wafer' : 'sites'], ...waferRef(inner, wafer !== undefined),
        });
      }
      walk(source, node.steps, inner, out, issues, opts);
    }
  });
}

/** A wafer loop's iterations, its plan recorded in `opts.wafers`. */
function waferLoop(source: SourceFile, node: LoopNode, scope: Scope, loopId: string, issues: SequenceIssue[], opts: ExpandOptions): { plan?: WaferLoopPlan; iterations: Iteration[] } {
  const lp = [...node.path, 'loop'];
  const refIssues: RefIssue[] = [];
  const spec = resolveRefs(node.loop, scope.vars, lp, refIssues) as Extract<LoopNode['loop'], { over: 'wafer' }>;
  for (const r of refIssues) issues.push(source.issue(r.path, r.message));
  if (refIssues.length) return { iterations: [] };
  if (scope.wafer) {
    issues.push(source.issue(lp, 'a wafer loop inside another wafer loop; expected one wafer loop level'));
    return { iterations: [] };
  }
  const r = waferIterations(source, spec, lp, loopId, opts.baseDir ?? '.', issues, opts.maps);
  if (!r) return { iterations: [] };
  opts.wafers?.push(r.plan);
  return r;
}

interface Iteration {
  key: string;
  idSegment?: string;
  /** A wafer die-site's pass (2 = first reprobe). */
  pass?: number;
  vars: Record<string, unknown>;
  loop: Record<string, unknown>;
  goto?: Record<string, string>;
}

function iterations(source: SourceFile, node: LoopNode, scope: Scope, issues: SequenceIssue[]): Iteration[] {
  const lp = [...node.path, 'loop'];
  const refIssues: RefIssue[] = [];
  const spec = resolveRefs(node.loop, scope.vars, lp, refIssues) as LoopNode['loop'];
  for (const r of refIssues) issues.push(source.issue(r.path, r.message));
  if (refIssues.length) return [];
  if (spec.over === 'channels') {
    const list = spec.channels;
    if (!Array.isArray(list) || list.length === 0 || !list.every((c) => Number.isInteger(c) && (c as number) >= 1)) {
      issues.push(source.issue([...lp, 'channels'], 'expected a non-empty list of channel numbers (integers >= 1), e.g. [1, 2]'));
      return [];
    }
    return (list as number[]).map((c) => ({ key: String(c), vars: { channel: c }, loop: { channel: c } }));
  }
  if (spec.over === 'wafer') return [];
  if (spec.over === 'values') {
    const list = spec.values;
    if (!Array.isArray(list) || list.length === 0) {
      issues.push(source.issue([...lp, 'values'], 'expected a non-empty list of values, e.g. [-3dBm, -6dBm] or $powers'));
      return [];
    }
    return list.map((v) => ({ key: typeof v === 'object' ? JSON.stringify(v) : String(v), vars: { [spec.var]: v }, loop: { [spec.var]: v } }));
  }
  return siteIterations(source, spec, lp, issues);
}

function siteIterations(source: SourceFile, spec: Extract<LoopNode['loop'], { over: 'sites' }>, lp: FieldPath,
  issues: SequenceIssue[]): Iteration[] {
  const raw = spec.sites;
  const entries: [string, unknown, FieldPath][] = Array.isArray(raw)
    ? raw.map((s, i) => [String((s as { name?: unknown })?.name ?? ''), s, [...lp, 'sites', i]])
    : raw !== null && typeof raw === 'object'
      ? Object.entries(raw).map(([k, v]) => [k, v, [...lp, 'sites', k]])
      : [];
  if (entries.length === 0) {
    issues.push(source.issue([...lp, 'sites'], 'expected sites as name → stage offset, e.g. { A: { X: 0um, Y: 0um }, B: { X: 250um, Y: 0um } }'));
    return [];
  }
  const origin = axesOf(source, spec.origin, [...lp, 'origin'], issues, false);
  const out: Iteration[] = [];
  for (const [name, value, path] of entries) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      issues.push(source.issue(path, 'expected a site name of letters, digits, - or _ (in a list: { name: A, X: 0um, Y: 0um })'));
      continue;
    }
    const offset = axesOf(source, value, path, issues, true);
    if (!offset) continue;
    const position: Record<string, number> = { ...(origin ?? {}) };
    for (const [axis, d] of Object.entries(offset)) position[axis] = (origin?.[axis] ?? 0) + d;
    const goto = spec.move
      ? Object.fromEntries(Object.entries(position).map(([axis, v]) => [`${spec.stage}.${axis}`, `${round(v)}um`]))
      : undefined;
    out.push({
      key: name,
      vars: { site: name },
      loop: { site: name, offset_um: offset, position_um: position },
      ...(goto ? { goto } : {}),
    });
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** `{ X: 250um, Y: 0um }` → { X: 250, Y: 0 }; `name` is skipped (list form). */
function axesOf(source: SourceFile, raw: unknown, path: FieldPath, issues: SequenceIssue[], required: boolean): Record<string, number> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    if (required || raw !== undefined) issues.push(source.issue(path, 'expected stage axes with lengths, e.g. { X: 250um, Y: 0um }'));
    return undefined;
  }
  const out: Record<string, number> = {};
  let ok = true;
  for (const [axis, v] of Object.entries(raw)) {
    if (axis === 'name') continue;
    try {
      out[axis] = parseQuantity(v, 'length_um');
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      issues.push(source.issue([...path, axis], err.message));
      ok = false;
    }
  }
  if (ok && required && Object.keys(out).length === 0) {
    issues.push(source.issue(path, 'expected at least one axis offset, e.g. { X: 250um, Y: 0um }'));
    return undefined;
  }
  return ok ? out : undefined;
}
