// The shape of a sequence file above the step bodies: metadata, parameters, the tree of steps and loops,
// limits and recovery settings. Step bodies stay raw here; each step kind's own schema parses them when the
// plan is built, once parameters and loop variables are substituted.
import { z } from 'zod';
import { DEFAULT_SAFE_DEADLINE_S } from '../../drivers/bench/safe-insist.ts';
import { formatPath, type FieldPath, type SequenceIssue } from './errors.ts';
import { inferKind, type ParameterDecl } from './parameters.ts';
import { q } from './q.ts';
import type { SourceFile } from './source.ts';

export interface StepNode {
  type: 'step';
  kind: string;
  /** Explicit `id:` from the file, if any. */
  id?: string;
  body: unknown;
  /** Where the step's body sits in the file, e.g. ['steps', 2, 'sweep']. */
  path: FieldPath;
}

export type LoopOver =
  | { over: 'sites'; origin: Record<string, unknown>; sites: unknown; stage: string; move: boolean }
  | { over: 'channels'; channels: unknown }
  | { over: 'values'; var: string; values: unknown }
  | WaferLoopSpec;

/**
 * `loop: { wafer: maps/wafer-a.csv, sites: [A, B], order: serpentine, predict: true, reprobe: { bins: [2] } }`:
 * every visited die of the map (reference dies first), at each the chosen sites (docs/wafer.md). Checked
 * when the plan is built (the map file is read then, relative to the sequence file).
 */
export interface WaferLoopSpec {
  over: 'wafer';
  map: unknown;
  sites: unknown;
  order: unknown;
  predict: unknown;
  reprobe: unknown;
  stage: unknown;
  /** The fiber height the goto moves to (stage Z), if given. */
  height: unknown;
}

export interface LoopNode {
  type: 'loop';
  id?: string;
  loop: LoopOver;
  steps: (StepNode | LoopNode)[];
  path: FieldPath;
}

export type SequenceNode = StepNode | LoopNode;

export interface LimitDecl {
  name?: string;
  measurement: string;
  step?: string;
  min?: unknown;
  max?: unknown;
  path: FieldPath;
}

export interface SequenceDoc {
  name: string;
  description?: string;
  metadata: Record<string, unknown>;
  /** As written (possibly not a mapping); the loader validates it after substitution. */
  rawMetadata: unknown;
  parameters: Map<string, ParameterDecl>;
  steps: SequenceNode[];
  limits: LimitDecl[];
  recovery: { deadline_s: number; backoff_s: number; maxBackoff_s: number; safeDeadline_s: number };
}

const RESERVED_STEP_KEYS = new Set(['id']);
const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const metadataSchema = z.looseObject({
  dut: z.string({ error: 'expected the DUT id as text (e.g. dut: CHIP-042 or dut: $dut)' }),
  lot: z.string({ error: 'expected the lot as text' }).optional(),
  operator: z.string({ error: 'expected the operator as text' }).optional(),
  notes: z.string({ error: 'expected notes as text' }).optional(),
}, { error: 'expected a mapping with dut (and lot, operator, notes)' });

const limitSchema = z.strictObject({
  name: z.string().optional(),
  measurement: z.string({ error: 'expected the name of a measurement a step reports (e.g. power_dBm)' }),
  step: z.string({ error: 'expected a step id (e.g. align, or sites/align)' }).optional(),
  min: z.unknown().optional(),
  max: z.unknown().optional(),
}, { error: 'expected a mapping { measurement, step?, min?, max? }' })
  .refine((l) => l.min !== undefined || l.max !== undefined, { error: 'expected min, max or both' });

const recoverySchema = z.strictObject({
  deadline: q.duration_s({ positive: true }).optional(),
  backoff: q.duration_s({ positive: true }).optional(),
  max_backoff: q.duration_s({ positive: true }).optional(),
  safe_deadline: q.duration_s({ positive: true }).optional(),
}, { error: 'expected a mapping { deadline, backoff, max_backoff, safe_deadline } of durations' });

const TOP_KEYS = ['sequence', 'description', 'metadata', 'parameters', 'steps', 'limits', 'recovery'];

/** Validates the structure of a parsed file. Issues are appended; the doc is returned when usable. */
export function readSequenceStructure(source: SourceFile, fallbackName: string, issues: SequenceIssue[]): SequenceDoc | null {
  const root = source.toJS();
  if (!isRecord(root)) {
    issues.push(source.issue([], `expected a mapping with ${TOP_KEYS.join(', ')}`));
    return null;
  }
  for (const key of Object.keys(root)) {
    if (!TOP_KEYS.includes(key)) issues.push(source.issue([key], `unknown key; expected one of ${TOP_KEYS.join(', ')}`));
  }
  const name = root.sequence === undefined ? fallbackName : root.sequence;
  if (typeof name !== 'string' || name === '') issues.push(source.issue(['sequence'], 'expected the sequence name as text'));

  // Metadata may reference parameters ($dut); the loader checks it once they are substituted.
  const metadata = root.metadata;
  const parameters = readParameters(source, root.parameters, issues);
  const steps = readSteps(source, root.steps, ['steps'], issues);
  if (Array.isArray(root.steps) && root.steps.length === 0) issues.push(source.issue(['steps'], 'expected at least one step'));
  const limits = readLimits(source, root.limits, issues);
  const recovery = zodInto(source, recoverySchema, root.recovery ?? {}, ['recovery'], issues) ?? {};
  return {
    name: typeof name === 'string' ? name : fallbackName,
    ...(typeof root.description === 'string' ? { description: root.description } : {}),
    metadata: isRecord(metadata) ? metadata : {},
    rawMetadata: metadata,
    parameters,
    steps,
    limits,
    recovery: {
      deadline_s: recovery.deadline ?? 120, backoff_s: recovery.backoff ?? 0.5, maxBackoff_s: recovery.max_backoff ?? 10,
      safeDeadline_s: recovery.safe_deadline ?? DEFAULT_SAFE_DEADLINE_S,
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Runs a zod schema and turns its issues into located sequence issues. */
export function zodInto<T>(source: SourceFile, schema: z.ZodType<T>, value: unknown, base: FieldPath, issues: SequenceIssue[]): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push(source.issue([...base, ...(i.path as (string | number)[])], zodMessage(i, value)));
  return undefined;
}

/** zod's own messages for unknown keys say "Unrecognized key"; say what was expected instead. */
export function zodMessage(i: z.core.$ZodIssue, root: unknown = NO_ROOT): string {
  if (i.code === 'unrecognized_keys') return `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
  // A field left out (or left empty) is `missing`, never "got undefined": say so first, then what it takes.
  if (root !== NO_ROOT && isAbsent(root, i.path as readonly PropertyKey[])) return `missing; ${withoutFound(i.message)}`;
  return i.message;
}

/** zodMessage without the value parsed: absent fields cannot be told. */
const NO_ROOT = Symbol('no root');

/** Whether the value at `path` under `root` is absent (no such key, or an empty YAML value). */
function isAbsent(root: unknown, path: readonly PropertyKey[]): boolean {
  let v: unknown = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return true;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v === undefined || v === null;
}

/** The message without its "got undefined" / "received null" tail (zod's own wording or ours). */
function withoutFound(message: string): string {
  return message.replace(/[,;:]?\s*(got|received)\s+(undefined|null)\b.*$/, '').replace(/^Invalid input: /, '');
}

function readParameters(source: SourceFile, raw: unknown, issues: SequenceIssue[]): Map<string, ParameterDecl> {
  const out = new Map<string, ParameterDecl>();
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    issues.push(source.issue(['parameters'], 'expected a mapping of parameter name → default value (e.g. wavelength: 1550nm)'));
    return out;
  }
  for (const [name, v] of Object.entries(raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      issues.push(source.issue(['parameters', name], 'expected a parameter name of letters, digits and _ (referenced as $name)'));
      continue;
    }
    const long = isRecord(v) && 'default' in v;
    const value = long ? v.default : v;
    if (value === null || value === undefined) {
      issues.push(source.issue(['parameters', name], 'expected a default value (e.g. 1550nm, -3dBm, 10s, a number, a text or a list)'));
      continue;
    }
    const description = long && typeof v.description === 'string' ? v.description : undefined;
    out.set(name, { name, kind: inferKind(value), value, overridden: false, ...(description ? { description } : {}) });
  }
  return out;
}

function readLimits(source: SourceFile, raw: unknown, issues: SequenceIssue[]): LimitDecl[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.push(source.issue(['limits'], 'expected a list of { measurement, step?, min?, max? }'));
    return [];
  }
  const out: LimitDecl[] = [];
  raw.forEach((entry, i) => {
    const l = zodInto(source, limitSchema, entry, ['limits', i], issues);
    if (l) out.push({ ...l, path: ['limits', i] });
  });
  return out;
}

/** Reads the list of steps: each item is `{ <kind>: body, id? }` or `{ loop: {...}, steps: [...], id? }`. */
function readSteps(source: SourceFile, raw: unknown, path: FieldPath, issues: SequenceIssue[]): SequenceNode[] {
  if (!Array.isArray(raw)) {
    issues.push(source.issue(path, 'expected a list of steps (e.g. - wait: { duration: 1s })'));
    return [];
  }
  const out: SequenceNode[] = [];
  raw.forEach((item, i) => {
    const at = [...path, i];
    if (!isRecord(item)) {
      issues.push(source.issue(at, 'expected a step: a mapping with one step kind, e.g. { wait: { duration: 1s } }'));
      return;
    }
    const id = item.id;
    if (id !== undefined && (typeof id !== 'string' || !ID_RE.test(id))) {
      issues.push(source.issue([...at, 'id'], 'expected an id: a letter, then letters, digits, - or _'));
    }
    const explicitId = typeof id === 'string' && ID_RE.test(id) ? id : undefined;
    if ('loop' in item) {
      const loop = readLoop(source, item, at, issues);
      if (!Array.isArray(item.steps)) {
        issues.push(source.issue(at, 'expected steps: [...] beside loop: (the steps to repeat)', `${formatPath(at)}.steps`));
        return;
      }
      if (loop) out.push({ type: 'loop', loop, steps: readSteps(source, item.steps, [...at, 'steps'], issues), path: at, ...(explicitId ? { id: explicitId } : {}) });
      return;
    }
    const kinds = Object.keys(item).filter((k) => !RESERVED_STEP_KEYS.has(k));
    if (kinds.length !== 1) {
      issues.push(source.issue(at, kinds.length === 0
        ? 'expected a step kind key (e.g. set, measure, wait, log, script, align, sweep, ber) or loop'
        : `expected one step kind per list item, got ${kinds.join(', ')}`));
      return;
    }
    const kind = kinds[0] as string;
    out.push({ type: 'step', kind, body: item[kind] ?? {}, path: [...at, kind], ...(explicitId ? { id: explicitId } : {}) });
  });
  return out;
}

const LOOP_KEYS = ['sites', 'channels', 'values'];

function readLoop(source: SourceFile, item: Record<string, unknown>, at: FieldPath, issues: SequenceIssue[]): LoopOver | null {
  const extra = Object.keys(item).filter((k) => !['loop', 'steps', 'id'].includes(k));
  if (extra.length) issues.push(source.issue([...at, extra[0] as string], `unknown key in a loop item; expected loop, steps and id`));
  const spec = item.loop;
  const lp = [...at, 'loop'];
  if (!isRecord(spec)) {
    issues.push(source.issue(lp, 'expected a mapping with one of sites, channels, values or wafer'));
    return null;
  }
  if ('wafer' in spec) return readWaferLoop(source, spec, lp, issues);
  const which = LOOP_KEYS.filter((k) => k in spec);
  if (which.length !== 1) {
    issues.push(source.issue(lp, `expected exactly one of ${LOOP_KEYS.join(', ')}${which.length ? `, got ${which.join(' and ')}` : ''}`));
    return null;
  }
  const allowed: Record<string, string[]> = { sites: ['sites', 'origin', 'stage', 'move'], channels: ['channels'], values: ['values', 'var'] };
  const over = which[0] as 'sites' | 'channels' | 'values';
  for (const k of Object.keys(spec)) {
    if (!allowed[over]?.includes(k)) issues.push(source.issue([...lp, k], `unknown key in a ${over} loop; expected ${allowed[over]?.join(', ')}`));
  }
  if (over === 'channels') return { over, channels: spec.channels };
  if (over === 'values') {
    const v = spec.var ?? 'value';
    if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) {
      issues.push(source.issue([...lp, 'var'], 'expected a loop variable name (referenced as $name)'));
    }
    return { over, var: typeof v === 'string' ? v : 'value', values: spec.values };
  }
  const origin = spec.origin ?? {};
  if (!isRecord(origin)) issues.push(source.issue([...lp, 'origin'], 'expected the stage position the site offsets are added to, e.g. { X: 12500um, Y: 12500um }'));
  const stage = spec.stage ?? 'stage';
  if (typeof stage !== 'string') issues.push(source.issue([...lp, 'stage'], 'expected the stage role name (e.g. stage)'));
  const move = spec.move ?? true;
  if (typeof move !== 'boolean') issues.push(source.issue([...lp, 'move'], 'expected true or false (move the stage to each site first)'));
  return { over, origin: isRecord(origin) ? origin : {}, sites: spec.sites, stage: typeof stage === 'string' ? stage : 'stage', move: move !== false };
}

const WAFER_KEYS = ['wafer', 'sites', 'order', 'predict', 'reprobe', 'stage', 'height'];

/** The keys of a wafer loop; their values are checked by the plan (sequences/wafer/wafer-loop.ts). */
function readWaferLoop(source: SourceFile, spec: Record<string, unknown>, lp: FieldPath, issues: SequenceIssue[]): WaferLoopSpec {
  for (const k of Object.keys(spec)) {
    if (!WAFER_KEYS.includes(k)) issues.push(source.issue([...lp, k], `unknown key in a wafer loop; expected ${WAFER_KEYS.join(', ')}`));
  }
  return {
    over: 'wafer', map: spec.wafer, sites: spec.sites, order: spec.order, predict: spec.predict, reprobe: spec.reprobe,
    stage: spec.stage, height: spec.height,
  };
}
