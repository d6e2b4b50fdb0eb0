// The History view: the run folders under the runs directory, one reopened (run.json and every table,
// column-major for plots), and one CSV handed out as written for a download. A run id is a folder name;
// nothing outside the runs directory is ever read.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { RunRecord } from '../sequences/records/run-record.ts';
import type { Cell, ExportedFile, RunDetails, RunSummary, RunTable } from './run-types.ts';
import { RunNotFoundError } from './errors.ts';

export class RunHistory {
  readonly runsDir: string;

  constructor(runsDir: string) {
    this.runsDir = resolve(runsDir);
  }

  /** Newest first (run ids start with their start time). */
  async list(): Promise<RunSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.runsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: RunSummary[] = [];
    for (const name of names.sort().reverse()) {
      const folder = join(this.runsDir, name);
      if (!(await stat(folder).catch(() => null))?.isDirectory()) continue;
      const files = await csvFiles(folder);
      try {
        const rec = await readRecord(folder);
        out.push({
          runId: name, folder, sequence: rec.sequence.name, dut: String(rec.metadata['dut'] ?? ''), status: rec.status,
          passed: rec.passed, started: rec.started ?? null, finished: rec.finished ?? null, files,
        });
      } catch (err) {
        out.push({
          runId: name, folder, sequence: '', dut: '', status: 'unreadable', passed: null, started: null, finished: null, files,
          message: (err as Error).message,
        });
      }
    }
    return out;
  }

  async open(runId: string): Promise<RunDetails> {
    const folder = this.folderOf(runId);
    let record: RunRecord;
    try {
      record = await readRecord(folder);
    } catch (err) {
      throw new RunNotFoundError(`openRun: ${(err as Error).message}`);
    }
    const tables: RunTable[] = [];
    for (const file of await csvFiles(folder)) tables.push(parseTable(file, await readFile(join(folder, file), 'utf8')));
    return { runId, folder, record, tables };
  }

  async exportCsv(runId: string, file: string): Promise<ExportedFile> {
    const folder = this.folderOf(runId);
    const files = await csvFiles(folder);
    if (!files.includes(file)) {
      throw new RunNotFoundError(`exportRunCsv: run ${runId} has no file '${file}'; its CSV files are ${files.join(', ') || 'none'}`);
    }
    return { name: `${runId}-${file}`, mimeType: 'text/csv', text: await readFile(join(folder, file), 'utf8') };
  }

  private folderOf(runId: string): string {
    const folder = resolve(this.runsDir, runId);
    const rel = relative(this.runsDir, folder);
    if (rel === '' || rel.startsWith('..') || rel.includes(sep)) {
      throw new RunNotFoundError(`'${runId}' is not a run folder name under ${this.runsDir}`);
    }
    return folder;
  }
}

async function readRecord(folder: string): Promise<RunRecord> {
  const path = join(folder, 'run.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunNotFoundError(code === 'ENOENT' ? `${path} does not exist; expected a run folder written by a run` : `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    throw new RunNotFoundError(`${path} is not valid JSON; the run's record is damaged`);
  }
}

async function csvFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RunNotFoundError(`no run folder ${folder}`);
    throw err;
  }
}

/** `# key: value` lines, then the header, then rows; a half-written last row (a crash) is dropped. */
export function parseTable(file: string, text: string): RunTable {
  const metadata: Record<string, string> = {};
  let pos = 0;
  while (text.startsWith('#', pos)) {
    const end = text.indexOf('\n', pos);
    const line = text.slice(pos + 1, end < 0 ? text.length : end).trim();
    const colon = line.indexOf(':');
    if (colon > 0) metadata[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    pos = end < 0 ? text.length : end + 1;
  }
  let body = text.slice(pos);
  if (body.length && !body.endsWith('\n')) body = body.slice(0, body.lastIndexOf('\n') + 1);
  const records = parseCsv(body, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const [header = [], ...rows] = records;
  const data: Cell[][] = header.map(() => new Array<Cell>(rows.length));
  rows.forEach((row, r) => {
    for (let c = 0; c < header.length; c++) (data[c] as Cell[])[r] = cell(row[c]);
  });
  return { file, metadata, columns: header, data, rows: rows.length };
}

function cell(text: string | undefined): Cell {
  if (text === undefined || text === '') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  // A meter below its floor logs -Infinity dBm; JSON has no such number, and a plot skips a null.
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity' || text === '+Infinity') return null;
  const n = Number(text);
  return Number.isFinite(n) && /^[\s\d.eE+-]+$/.test(text) ? n : text;
}
