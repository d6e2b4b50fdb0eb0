// Parameters of a sequence: declared with a default (its unit fixes the parameter's kind), referenced as
// `$name` (a whole value) or `${name}` (inside text), overridable with `--set name=value`.
import { parse as parseYaml } from 'yaml';
import { describeKind, kindOfUnit, parseQuantity, QuantityError, QUANTITY_KINDS, splitQuantity, type QuantityKindName } from './quantity.ts';
import type { FieldPath } from './errors.ts';

export type ParameterKind = QuantityKindName | 'number' | 'boolean' | 'string' | 'list' | 'map';

export interface ParameterDecl {
  name: string;
  kind: ParameterKind;
  /** The value as the file (or --set) wrote it; substituted as is, and parsed by the step that uses it. */
  value: unknown;
  description?: string;
  /** Set by an override. */
  overridden: boolean;
}

/** Infers a parameter's kind from its default: `1550nm` → wavelength_nm, `-3dBm` → power_dBm, 5 → number. */
export function inferKind(value: unknown): ParameterKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  if (value !== null && typeof value === 'object') return 'map';
  if (typeof value === 'string') {
    const parts = splitQuantity(value);
    if (parts && parts.unit !== '') {
      const kind = kindOfUnit(parts.unit);
      if (kind) return kind;
    }
  }
  return 'string';
}

export function describeParameterKind(kind: ParameterKind): string {
  switch (kind) {
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'string': return 'a text';
    case 'list': return 'a list such as [a, b]';
    case 'map': return 'a mapping such as {a: 1}';
    default: return describeKind(QUANTITY_KINDS[kind]);
  }
}

export class OverrideError extends Error {
  override name = 'OverrideError';
  readonly key: string;

  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

/** Splits `name=value`; throws OverrideError on a missing '='. */
export function splitOverride(text: string): { key: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new OverrideError(text, `expected name=value (e.g. --set wavelength=1560nm), got ${JSON.stringify(text)}`);
  return { key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

/** Parses an override's text with the kind of the parameter it replaces. Throws OverrideError. */
export function parseOverride(decl: ParameterDecl, text: string): unknown {
  const expected = describeParameterKind(decl.kind);
  const fail = (detail: string): never => {
    throw new OverrideError(decl.name, `expected ${expected}, got ${JSON.stringify(text)}${detail ? ` (${detail})` : ''}`);
  };
  switch (decl.kind) {
    case 'string': return text;
    case 'number': {
      const n = text === '' ? NaN : Number(text);
      return Number.isFinite(n) ? n : fail('not a number');
    }
    case 'boolean': {
      const s = text.toLowerCase();
      if (['true', 'on', 'yes'].includes(s)) return true;
      if (['false', 'off', 'no'].includes(s)) return false;
      return fail('');
    }
    case 'list':
    case 'map': {
      let v: unknown;
      try {
        v = parseYaml(text);
      } catch (err) {
        return fail((err as Error).message.split('\n')[0] ?? '');
      }
      const ok = decl.kind === 'list' ? Array.isArray(v) : v !== null && typeof v === 'object' && !Array.isArray(v);
      return ok ? v : fail('');
    }
    default:
      try {
        parseQuantity(text, decl.kind);
        return text;
      } catch (err) {
        if (err instanceof QuantityError) throw new OverrideError(decl.name, err.message);
        throw err;
      }
  }
}

export interface RefIssue {
  path: FieldPath;
  message: string;
}

const WHOLE_REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const INNER_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\$/g;

/**
 * Replaces `$name` values and `${name}` inside strings with values from `scope` (parameters and loop
 * variables), walking maps and lists. Unknown names are reported at their path; the value is left as is.
 */
export function resolveRefs(value: unknown, scope: ReadonlyMap<string, unknown>, path: FieldPath, issues: RefIssue[]): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REF.exec(value);
    if (whole) {
      const name = whole[1] ?? '';
      if (scope.has(name)) return structuredClone(scope.get(name));
      issues.push({ path, message: unknownRef(name, scope) });
      return value;
    }
    if (!value.includes('$')) return value;
    return value.replace(INNER_REF, (m, name: string | undefined) => {
      if (m === '$$') return '$';
      if (name !== undefined && scope.has(name)) return String(scope.get(name));
      issues.push({ path, message: unknownRef(name ?? '', scope) });
      return m;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveRefs(v, scope, [...path, i], issues));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, scope, [...path, k], issues)]));
  }
  return value;
}

function unknownRef(name: string, scope: ReadonlyMap<string, unknown>): string {
  const known = [...scope.keys()];
  return `unknown parameter reference '$${name}'; expected one of ${known.length ? known.map((k) => `$${k}`).join(', ') : '(no parameters declared)'}`;
}
