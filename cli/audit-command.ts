// `benchctl audit`: the control actions of `benchctl serve` (who, when, what, the result), newest first, from
// the run index. Without --index, the SQLite index beside --runs, first brought up to date with that folder's
// audit.jsonl (the truth); with --index postgresql://…, a lab's server (every bench's actions).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { rebuildAudit, searchAudit, type AuditFilter, type AuditRecord } from '../runindex/audit-index.ts';
import { parseSince, SearchRequestError } from '../runindex/search-request.ts';
import { AUDIT_FILE_NAME } from '../service/access/audit-log.ts';
import type { CliCommand } from './command.ts';
import { indexChoiceOf, openChosenIndex } from './index-store.ts';
import { table } from './text-table.ts';
import { CliUsageError } from './usage-error.ts';

const USAGE = `Usage: benchctl audit [--runs DIR] [--index URL|FILE] [--since DATE] [--who NAME] [--call CALL]
                      [--result ok|error|refused] [--limit N] [--format table|json]

Lists the control actions recorded by benchctl serve, newest first: who (a token's name, or 'launch' for
the printed login), their role, when, the call, its argument and the result. Without --index, the SQLite
index beside --runs (default ./runs), first brought up to date with the runs folder's audit.jsonl; with
--index postgresql://…, a lab's server.

Options:
  --since DATE      actions on or after: 2026-01-31 (local midnight) or an ISO time
  --who NAME        one caller's actions
  --call CALL       one call (setLaser, startRun, makeSafe, ...)
  --result R        ok, error or refused
  --limit N         at most N actions (default 100)
  --format F        table (default) or json: an array of { time, who, role, via, call, arg, result, error, source }
  -h, --help        this text`;

const FORMATS = ['table', 'json'] as const;
const RESULTS = ['ok', 'error', 'refused'] as const;

function argText(arg: unknown): string {
  if (arg === null || arg === undefined) return '';
  const t = JSON.stringify(arg);
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

export function formatAudit(rows: AuditRecord[], format: (typeof FORMATS)[number]): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (rows.length === 0) return 'no control actions recorded\n';
  return table([
    ['time', 'who', 'role', 'call', 'result', 'arg', 'error'],
    ...rows.map((r) => [r.time, r.who, r.role, r.call, r.result, argText(r.arg), r.error ? `${r.error.name}: ${r.error.message}` : '']),
  ]);
}

export const auditCommand: CliCommand = {
  summary: 'list the control actions recorded by benchctl serve (who, when, what, result)',
  usage: USAGE,
  async run(args) {
    let v;
    try {
      v = parseArgs({ args, strict: true, allowPositionals: false, options: {
        runs: { type: 'string' }, index: { type: 'string' }, since: { type: 'string' }, who: { type: 'string' }, call: { type: 'string' },
        result: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      } }).values;
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    if (v.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const format = (v.format ?? 'table') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new CliUsageError(`--format expects one of ${FORMATS.join(', ')}, got '${v.format}'`);
    const limit = v.limit === undefined ? 100 : Number(v.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliUsageError(`--limit expects a whole number 1-10000, got '${v.limit}'`);
    if (v.result !== undefined && !(RESULTS as readonly string[]).includes(v.result)) throw new CliUsageError(`--result expects one of ${RESULTS.join(', ')}, got '${v.result}'`);
    for (const k of ['who', 'call'] as const) if (v[k] !== undefined && v[k].trim() === '') throw new CliUsageError(`--${k} expects a name, got an empty string`);
    const filter: AuditFilter = { limit };
    try {
      if (v.since !== undefined) filter.since = parseSince(v.since);
    } catch (err) {
      if (err instanceof SearchRequestError) throw new CliUsageError(`--${err.message}`);
      throw err;
    }
    if (v.who !== undefined) filter.who = v.who.trim();
    if (v.call !== undefined) filter.call = v.call.trim();
    if (v.result !== undefined) filter.result = v.result;
    const choice = indexChoiceOf(v.runs, v.index);
    const ix = await openChosenIndex(choice);
    try {
      if (choice.local) {
        const r = await rebuildAudit(ix.db, join(choice.runsDir, AUDIT_FILE_NAME));
        for (const p of r.problems) process.stderr.write(`benchctl audit: ${AUDIT_FILE_NAME} line ${p.line} skipped: ${p.error}\n`);
      }
      process.stdout.write(formatAudit(await searchAudit(ix.db, filter), format));
      return 0;
    } finally {
      await ix.close();
    }
  },
};
