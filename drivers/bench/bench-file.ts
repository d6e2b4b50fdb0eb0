// Loading a bench file: YAML with source positions kept, validated against the schema, turned into the
// per-role settings openBench() needs (session options in the session's own names, stage axes).
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { StageAxisSettings } from '../roles/stage.ts';
import type { SessionOptions } from '../session/session-options.ts';
import { BenchFileError, issueAt, issuesFromZod } from './bench-file-errors.ts';
import type { BenchFileIssue } from './bench-file-errors.ts';
import { checkRole, instrumentSchema, sessionFields, topSchema } from './bench-schema.ts';
import type { DriverInfo, InstrumentEntry } from './bench-schema.ts';
import { driverInfos } from './registry.ts';

/** The session settings a bench file may give; the dialect comes from the driver. */
export type BenchSessionSettings = Omit<SessionOptions, 'dialect' | 'inProcess' | 'resyncQuiet_ms' | 'resyncTimeout_ms'>;

export interface BenchInstrumentConfig {
  role: string;
  resource: string;
  /** A registered driver name, or 'auto'. */
  driver: string;
  session: BenchSessionSettings;
  options: Record<string, unknown>;
  axes?: Record<string, StageAxisSettings>;
  /** Where the role is defined, for later errors (connecting, auto-detection). */
  source?: { file: string; line: number };
}

export interface BenchConfig {
  name: string;
  /** The file it came from, as given; undefined when built in code. */
  file?: string;
  instruments: BenchInstrumentConfig[];
}

export interface ParseBenchOptions {
  /** How errors name the file (default 'bench file'). */
  file?: string;
  /** The drivers names may refer to (default: the registry). */
  drivers?: readonly DriverInfo[];
}

const TOP_FIELDS = ['name', 'instruments'];
const INSTRUMENT_FIELDS = ['resource', 'driver', ...Object.keys(sessionFields), 'options', 'axes'];
const AXIS_FIELDS = ['axis', 'min_um', 'max_um', 'home_um', 'home_safe'];

function allowedAt(path: readonly string[]): readonly string[] {
  if (path.length === 0) return TOP_FIELDS;
  if (path.length === 2 && path[0] === 'instruments') return INSTRUMENT_FIELDS;
  if (path.length === 4 && path[2] === 'axes') return AXIS_FIELDS;
  return [];
}

/** Parses and validates bench-file text; throws BenchFileError listing every problem with its line. */
export function parseBenchFile(text: string, opts: ParseBenchOptions = {}): BenchConfig {
  const file = opts.file ?? 'bench file';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new BenchFileError(file, doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      return { line: pos.line, column: pos.col, path: '', role: undefined, field: '', problem: `YAML syntax error: ${e.message.split(' at line ')[0]}` };
    }));
  }
  if (doc.contents === null) {
    throw new BenchFileError(file, [{ line: 0, column: 0, path: '', role: undefined, field: '', problem: 'the file is empty; expected a bench file with name and instruments' }]);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const drivers = opts.drivers ?? driverInfos();
  const issues: BenchFileIssue[] = [];
  const top = topSchema().safeParse(raw);
  if (!top.success) issues.push(...issuesFromZod(top.error.issues, [], doc, lines, raw, allowedAt));
  const entries = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)['instruments'] : undefined;
  const instruments: BenchInstrumentConfig[] = [];
  if (entries !== null && typeof entries === 'object' && !Array.isArray(entries)) {
    const schema = instrumentSchema(drivers);
    for (const [role, value] of Object.entries(entries)) {
      const at = ['instruments', role];
      const r = schema.safeParse(value);
      if (!r.success) {
        issues.push(...issuesFromZod(r.error.issues, at, doc, lines, raw, allowedAt));
        continue;
      }
      const problems = checkRole(role, r.data, drivers);
      for (const p of problems) issues.push(issueAt(doc, lines, [...at, ...p.path], p.message));
      if (problems.length === 0) instruments.push(toConfig(role, r.data, { file, line: issueAt(doc, lines, at, '', 'key').line }));
    }
  }
  if (issues.length > 0) throw new BenchFileError(file, issues.sort((a, b) => a.line - b.line || a.column - b.column));
  const name = top.success ? top.data.name : undefined;
  return { name: name ?? file, file: opts.file, instruments };
}

/** Reads and parses a bench file; errors name the path as given. */
export async function loadBenchFile(path: string, opts: Omit<ParseBenchOptions, 'file'> = {}): Promise<BenchConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new BenchFileError(path, [{ line: 0, column: 0, path: '', role: undefined, field: '', problem: `cannot read the bench file: ${why}` }]);
  }
  return parseBenchFile(text, { ...opts, file: path });
}

function toConfig(role: string, e: InstrumentEntry, source: { file: string; line: number }): BenchInstrumentConfig {
  const session: BenchSessionSettings = {};
  if (e.timeout_ms !== undefined) session.timeout_ms = e.timeout_ms;
  if (e.connect_timeout_ms !== undefined) session.connectTimeout_ms = e.connect_timeout_ms;
  if (e.read_termination !== undefined) session.readTermination = e.read_termination;
  if (e.write_termination !== undefined) session.writeTermination = e.write_termination;
  if (e.query_delay_ms !== undefined) session.queryDelay_ms = e.query_delay_ms;
  if (e.check_errors !== undefined) session.checkErrors = e.check_errors;
  if (e.baud_rate !== undefined) session.baudRate = e.baud_rate;
  if (e.data_bits !== undefined) session.dataBits = e.data_bits;
  if (e.parity !== undefined) session.parity = e.parity;
  if (e.stop_bits !== undefined) session.stopBits = e.stop_bits;
  if (e.flow_control !== undefined) session.flowControl = e.flow_control;
  if (e.portmapper_port !== undefined) session.portmapperPort = e.portmapper_port;
  if (e.usbtmc_device !== undefined) session.usbtmcDevice = e.usbtmc_device;
  const config: BenchInstrumentConfig = { role, resource: e.resource.trim(), driver: e.driver, session, options: e.options ?? {}, source };
  if (e.axes) config.axes = Object.fromEntries(Object.entries(e.axes).map(([k, a]) => [k, axisSettings(a)]));
  return config;
}

function axisSettings(a: NonNullable<InstrumentEntry['axes']>[string]): StageAxisSettings {
  const out: StageAxisSettings = { axis: a.axis, min_um: a.min_um, max_um: a.max_um };
  if (a.home_um !== undefined) out.home_um = a.home_um;
  if (a.home_safe !== undefined) out.home_safe = a.home_safe;
  return out;
}
