// The CSV list form of a wafer map: `# key: value` lines (wafer, pitch, origin, flat or notch, centre, one
// `# site <name>: <dx>, <dy>` per site), then one row per die: die,col,row[,x_um,y_um],status with status
// test, excluded or reference. Empty x_um/y_um take origin + col·pitch. docs/wafer.md has an example.
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { SequenceIssue } from '../schema/errors.ts';
import { parseQuantity, QuantityError, type QuantityKindName } from '../schema/quantity.ts';
import { DEFAULT_SITES, type WaferDie, type WaferMap, type WaferSiteDef } from './map-types.ts';

const STATUSES = ['test', 'excluded', 'reference'] as const;
const META_KEYS = ['wafer', 'pitch', 'origin', 'flat', 'notch', 'centre'];
const REQUIRED_COLUMNS = ['die', 'col', 'row', 'status'];

interface Meta {
  values: Map<string, { value: string; line: number }>;
  sites: { name: string; value: string; line: number }[];
}

function readMeta(file: string, lines: readonly string[], issues: SequenceIssue[]): Meta {
  const meta: Meta = { values: new Map(), sites: [] };
  lines.forEach((text, i) => {
    // `# key: value` with a one-word key (or `site <name>`); any other `#` line is a free comment.
    const m = /^#\s*(site\s+\S+|[A-Za-z_]+)\s*:\s*(.*)$/.exec(text.trim());
    if (!m) return;
    const key = (m[1] as string).trim();
    const value = (m[2] as string).trim();
    const site = /^site\s+(\S+)$/.exec(key);
    if (site) meta.sites.push({ name: site[1] as string, value, line: i + 1 });
    else if (META_KEYS.includes(key)) meta.values.set(key, { value, line: i + 1 });
    else issues.push({ file, line: i + 1, col: 1, field: `# ${key}`, message: `unknown map key; expected one of ${META_KEYS.join(', ')} or 'site <name>'` });
  });
  return meta;
}

function quantity(file: string, text: string, kind: QuantityKindName, line: number, field: string, issues: SequenceIssue[]): number | undefined {
  try {
    return parseQuantity(text, kind);
  } catch (err) {
    if (!(err instanceof QuantityError)) throw err;
    issues.push({ file, line, col: 1, field, message: err.message });
    return undefined;
  }
}

/** `1000um, 1000um` → { x, y }. */
function pair(file: string, entry: { value: string; line: number } | undefined, field: string, issues: SequenceIssue[], required: boolean): { x: number; y: number } | undefined {
  if (!entry) {
    if (required) issues.push({ file, line: 0, col: 0, field: `# ${field}`, message: `missing; expected a line '# ${field}: <x>, <y>' with lengths, e.g. '# ${field}: 1000um, 1000um'` });
    return undefined;
  }
  const parts = entry.value.split(/\s*,\s*/);
  if (parts.length !== 2) {
    issues.push({ file, line: entry.line, col: 1, field: `# ${field}`, message: `expected two lengths '<x>, <y>', got '${entry.value}'` });
    return undefined;
  }
  const x = quantity(file, parts[0] as string, 'length_um', entry.line, `# ${field}`, issues);
  const y = quantity(file, parts[1] as string, 'length_um', entry.line, `# ${field}`, issues);
  return x === undefined || y === undefined ? undefined : { x, y };
}

function integerCell(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Parses the CSV list form; problems are appended to `issues` (null when the map cannot be built). */
export function parseMapCsv(file: string, text: string, issues: SequenceIssue[]): WaferMap | null {
  const lines = text.split(/\r?\n/);
  const before = issues.length;
  const meta = readMeta(file, lines, issues);
  const pitch = pair(file, meta.values.get('pitch'), 'pitch', issues, true);
  const origin = pair(file, meta.values.get('origin'), 'origin', issues, true);
  const centre = pair(file, meta.values.get('centre'), 'centre', issues, false);
  if (pitch && (pitch.x <= 0 || pitch.y <= 0)) issues.push({ file, line: meta.values.get('pitch')?.line ?? 0, col: 1, field: '# pitch', message: 'expected positive pitches' });
  const angle = (key: string): number | null => {
    const e = meta.values.get(key);
    return e ? quantity(file, e.value, 'angle_deg', e.line, `# ${key}`, issues) ?? null : null;
  };
  const sites: WaferSiteDef[] = [];
  for (const s of meta.sites) {
    const o = pair(file, s, `site ${s.name}`, issues, true);
    if (!/^[A-Za-z0-9_-]+$/.test(s.name)) issues.push({ file, line: s.line, col: 1, field: `# site ${s.name}`, message: 'expected a site name of letters, digits, - or _' });
    else if (sites.some((x) => x.name === s.name)) issues.push({ file, line: s.line, col: 1, field: `# site ${s.name}`, message: `site ${s.name} is given twice` });
    else if (o) sites.push({ name: s.name, dx_um: o.x, dy_um: o.y });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { comment: '#', comment_no_infix: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof records;
  } catch (err) {
    issues.push({ file, line: 0, col: 0, field: '(file)', message: `not a CSV table: ${(err as Error).message}` });
    return null;
  }
  const [head, ...rows] = records;
  const header = head?.record ?? [];
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    issues.push({ file, line: head?.info.lines ?? 0, col: 1, field: '(header)', message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; expected die,col,row,x_um,y_um,status` });
    return null;
  }
  const at = (r: string[], c: string): string | undefined => {
    const i = header.indexOf(c);
    return i < 0 ? undefined : r[i];
  };
  const dies: WaferDie[] = [];
  for (const { record: r, info } of rows) {
    const name = at(r, 'die') ?? '';
    const field = `die ${name || `(line ${info.lines})`}`;
    const issue = (message: string) => issues.push({ file, line: info.lines, col: 1, field, message });
    const col = integerCell(at(r, 'col'));
    const row = integerCell(at(r, 'row'));
    const status = at(r, 'status') as (typeof STATUSES)[number];
    if (!/^[A-Za-z0-9_-]+$/.test(name)) issue(`expected a die name of letters, digits, - or _ (e.g. C07R03), got '${name}'`);
    if (col === undefined || row === undefined) issue(`expected col and row as whole numbers >= 0, got '${at(r, 'col')}', '${at(r, 'row')}'`);
    if (!STATUSES.includes(status)) issue(`expected status ${STATUSES.join(', ')}, got '${status ?? ''}'`);
    const xs = at(r, 'x_um') ?? '';
    const ys = at(r, 'y_um') ?? '';
    const x = xs === '' ? (pitch && origin && col !== undefined ? origin.x + col * pitch.x : undefined) : Number(xs);
    const y = ys === '' ? (pitch && origin && row !== undefined ? origin.y + row * pitch.y : undefined) : Number(ys);
    if (!Number.isFinite(x) || !Number.isFinite(y)) issue(`expected x_um and y_um as numbers (µm) or empty, got '${xs}', '${ys}'`);
    if (col === undefined || row === undefined || x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    dies.push({ name, col, row, x_um: x, y_um: y, excluded: status === 'excluded', reference: status === 'reference' });
  }
  if (dies.length === 0 && issues.length === before) issues.push({ file, line: 0, col: 0, field: '(dies)', message: 'no dies; expected one row per die after the header' });
  const flat_deg = angle('flat');
  const notch_deg = angle('notch');
  if (!pitch || !origin || issues.length > before) return null;
  const xs = dies.map((d) => d.x_um);
  const ys = dies.map((d) => d.y_um);
  return {
    name: meta.values.get('wafer')?.value || basename(file, extname(file)), file, pitch_um: pitch, origin_um: origin,
    flat_deg, notch_deg,
    centre_um: centre ?? { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 },
    sites: sites.length ? sites : DEFAULT_SITES.map((s) => ({ ...s })), dies,
  };
}
