// Header patterns written as in the instrument manuals: `SENSe#:CHANnel#:POWer:WAVelength[?]`,
// `[:SOURce#]:WAVelength`, `SYSTem:ERRor[:NEXT]?`, `*IDN?`. Upper case is the short form, the whole
// mnemonic the long form; `#` an optional numeric suffix (default 1); `[...]` optional nodes.
import type { ProgramCommand } from './message.ts';

export interface Mnemonic {
  /** Upper-cased short form ('SENS'), long form ('SENSE'); equal for all-caps mnemonics and common commands. */
  readonly short: string;
  readonly long: string;
  readonly suffix: boolean;
  /** Index into HeaderMatch.suffixes when `suffix` is set. */
  readonly suffixIndex: number;
  /** Optional group this node belongs to (-1 = required). Nodes of one `[...]` are taken or skipped together. */
  readonly group: number;
}

export interface HeaderPattern {
  readonly source: string;
  readonly nodes: readonly Mnemonic[];
  readonly common: boolean;
  readonly mode: 'command' | 'query' | 'both';
  readonly suffixCount: number;
  /** Upper-cased names the first sent node can have (short and long forms of every possible first node). */
  readonly firstKeys: readonly string[];
}

export interface HeaderMatch {
  suffixes: number[];
  query: boolean;
}

function fail(pattern: string, why: string): never {
  throw new Error(`invalid SCPI header pattern '${pattern}': ${why}`);
}

function compileMnemonic(pattern: string, text: string, group: number, suffixIndex: number): Mnemonic {
  const suffix = text.endsWith('#');
  const name = suffix ? text.slice(0, -1) : text;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) fail(pattern, `'${text}' is not a mnemonic (letters, digits, '_', optional '#')`);
  const m = /^([A-Z0-9_]+)([a-z0-9_]*)$/.exec(name);
  if (!m) fail(pattern, `'${name}' must be its upper-case short form followed by lower-case letters`);
  const short = m[1] ?? '';
  return { short, long: name.toUpperCase(), suffix, suffixIndex: suffix ? suffixIndex : -1, group };
}

export function compileHeader(pattern: string): HeaderPattern {
  let body = pattern.trim();
  let mode: HeaderPattern['mode'] = 'command';
  if (body.endsWith('[?]')) {
    mode = 'both';
    body = body.slice(0, -3);
  } else if (body.endsWith('?')) {
    mode = 'query';
    body = body.slice(0, -1);
  }
  if (body.includes('?')) fail(pattern, "'?' may only end the pattern, as '?' or '[?]'");
  if (body.startsWith('*')) {
    const name = body.slice(1);
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) fail(pattern, "a common command is '*' and letters, e.g. '*IDN?'");
    const key = `*${name.toUpperCase()}`;
    const node: Mnemonic = { short: key, long: key, suffix: false, suffixIndex: -1, group: -1 };
    return { source: pattern, nodes: [node], common: true, mode, suffixCount: 0, firstKeys: [key] };
  }

  const nodes: Mnemonic[] = [];
  let groups = 0;
  let group = -1;
  let colons = 0; // ':' seen since the previous mnemonic
  let suffixCount = 0;
  // Brackets and colons are separators; every two mnemonics need exactly one ':' between them,
  // so `[:SOURce#]:WAVelength`, `[SOURce#:]WAVelength` and `SYSTem:ERRor[:NEXT]` all read the same way.
  for (const token of body.match(/[[\]:]|[^[\]:]+/g) ?? []) {
    if (token === '[') {
      if (group >= 0) fail(pattern, 'optional nodes cannot be nested');
      group = groups++;
    } else if (token === ']') {
      if (group < 0) fail(pattern, "']' without '['");
      if (!nodes.some((n) => n.group === group)) fail(pattern, "'[]' holds no mnemonic");
      group = -1;
    } else if (token === ':') {
      if (++colons > 1) fail(pattern, "empty mnemonic ('::')");
    } else {
      if (nodes.length > 0 && colons === 0) fail(pattern, `expected ':' before '${token}'`);
      const node = compileMnemonic(pattern, token.trim(), group, suffixCount);
      if (node.suffix) suffixCount++;
      nodes.push(node);
      colons = 0;
    }
  }
  if (group >= 0) fail(pattern, "'[' without ']'");
  if (colons > 0 && nodes.length > 0) fail(pattern, "it ends with ':'");
  if (nodes.length === 0 || nodes.every((n) => n.group >= 0)) fail(pattern, 'it needs at least one node that is not optional');
  return { source: pattern, nodes, common: false, mode, suffixCount, firstKeys: firstKeysOf(nodes) };
}

function stripDigits(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) >= 0x30 && s.charCodeAt(end - 1) <= 0x39) end--;
  return s.slice(0, end);
}

/** The names the first node of a command can have for this pattern (optional groups may be skipped). */
function firstKeysOf(nodes: readonly Mnemonic[]): string[] {
  const keys = new Set<string>();
  let i = 0;
  while (i < nodes.length) {
    const node = nodes[i];
    if (!node) break;
    keys.add(stripDigits(node.short));
    keys.add(stripDigits(node.long));
    if (node.group < 0) break;
    while (i < nodes.length && nodes[i]?.group === node.group) i++;
  }
  return [...keys];
}

/** The upper-cased, suffix-stripped name of a sent node: the key CommandTable indexes by. */
export function nodeKey(node: string): string {
  return stripDigits(node.toUpperCase());
}

/** Numeric suffix of `sent` after mnemonic form `form` (-1: no match; 0 digits → default 1). */
function suffixAfter(sent: string, form: string): number {
  if (!sent.startsWith(form)) return -1;
  if (sent.length === form.length) return 1;
  let n = 0;
  for (let k = form.length; k < sent.length; k++) {
    const d = sent.charCodeAt(k) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function matchNode(node: Mnemonic, sent: string, suffixes: number[]): boolean {
  if (!node.suffix) return sent === node.short || sent === node.long;
  let n = suffixAfter(sent, node.long);
  if (n < 0) n = suffixAfter(sent, node.short);
  if (n < 0) return false;
  suffixes[node.suffixIndex] = n;
  return true;
}

function matchFrom(nodes: readonly Mnemonic[], pi: number, sent: readonly string[], si: number, suffixes: number[]): boolean {
  if (pi === nodes.length) return si === sent.length;
  const node = nodes[pi] as Mnemonic;
  if (node.group < 0) {
    const s = sent[si];
    return s !== undefined && matchNode(node, s, suffixes) && matchFrom(nodes, pi + 1, sent, si + 1, suffixes);
  }
  // An optional group: try taking all its nodes, else skip it (its suffixes keep their defaults).
  let end = pi;
  while (end < nodes.length && nodes[end]?.group === node.group) end++;
  const saved = suffixes.slice();
  let ok = true;
  for (let k = pi; k < end && ok; k++) {
    const s = sent[si + k - pi];
    ok = s !== undefined && matchNode(nodes[k] as Mnemonic, s, suffixes);
  }
  if (ok && matchFrom(nodes, end, sent, si + end - pi, suffixes)) return true;
  for (let k = 0; k < saved.length; k++) suffixes[k] = saved[k] ?? 1;
  for (let k = pi; k < end; k++) {
    const idx = (nodes[k] as Mnemonic).suffixIndex;
    if (idx >= 0) suffixes[idx] = 1;
  }
  return matchFrom(nodes, end, sent, si, suffixes);
}

/** Matches a parsed command against a pattern: null when the header or its query form does not fit. */
export function matchHeader(pattern: HeaderPattern, cmd: ProgramCommand): HeaderMatch | null {
  return matchUpperNodes(pattern, cmd.nodes.map((n) => n.toUpperCase()), cmd.query, cmd.common);
}

/** matchHeader for nodes already upper-cased (CommandTable upper-cases once per lookup, not per pattern). */
export function matchUpperNodes(pattern: HeaderPattern, nodes: readonly string[], query: boolean, common: boolean): HeaderMatch | null {
  if (pattern.common !== common) return null;
  if (query ? pattern.mode === 'command' : pattern.mode === 'query') return null;
  const suffixes = new Array<number>(pattern.suffixCount).fill(1);
  if (!matchFrom(pattern.nodes, 0, nodes, 0, suffixes)) return null;
  return { suffixes, query };
}
