// `benchctl index rebuild [--runs DIR] [--index URL] [--force]`: the run index made again from the run
// folders (the truth). Idempotent and resumable: unchanged runs are skipped; a damaged run.json is named
// with what is wrong and skipped. Exit 0 all indexed, 1 some skipped, 2 error.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rebuildAudit } from '../runindex/audit-index.ts';
import { AUDIT_FILE_NAME } from '../service/access/audit-log.ts';
import type { CliCommand } from './command.ts';
import { indexChoiceOf, openChosenIndex, rebuildIndex, rebuildLines } from './index-store.ts';
import { CliUsageError } from './usage-error.ts';

const USAGE = `Usage: benchctl index rebuild [--runs DIR] [--index URL|FILE] [--force]

Indexes every run folder under --runs (default ./runs) into the run index: by default the SQLite file
beside the runs folder (runs.index.sqlite), or --index postgresql://user@host:port/database (a lab server)
or another SQLite file. Safe to run again or after an interruption: runs whose run.json has not changed
since they were indexed are skipped (--force indexes them all again). A damaged run.json is reported,
named with what is wrong, and skipped. The runs folder's audit.jsonl (benchctl serve's control actions)
is read again too: entries already in the index are kept once, a damaged line is named and skipped.

Exit codes: 0 every run indexed, 1 some run.json (or audit lines) were skipped, 2 error (index unreachable, bad option).`;

export const indexCommand: CliCommand = {
  summary: 'rebuild the run index from the run folders (idempotent, resumable)',
  usage: USAGE,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, strict: true, allowPositionals: true, options: {
        runs: { type: 'string' }, index: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      } });
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    const { values: v, positionals } = parsed;
    if (v.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals[0] !== 'rebuild' || positionals.length > 1) {
      throw new CliUsageError(positionals.length === 0 ? "expected a subcommand: 'rebuild'" : `expected 'rebuild', got '${positionals.join(' ')}'`);
    }
    if (v.runs !== undefined && v.runs.trim() === '') throw new CliUsageError('--runs expects a folder');
    const choice = indexChoiceOf(v.runs, v.index);
    const ix = await openChosenIndex(choice);
    try {
      const tty = process.stderr.isTTY;
      const report = await rebuildIndex(ix.db, choice.runsDir, {
        force: Boolean(v.force),
        ...(tty ? { progress: (done: number, total: number) => process.stderr.write(`\r  ${done}/${total} folders`) } : {}),
      });
      if (tty) process.stderr.write('\n');
      const lines = rebuildLines(report, choice);
      process.stderr.write(lines.slice(0, -1).map((l) => `${l}\n`).join(''));
      process.stdout.write(`${lines[lines.length - 1]}\n`);
      const auditFile = join(choice.runsDir, AUDIT_FILE_NAME);
      const audit = await rebuildAudit(ix.db, auditFile);
      for (const p of audit.problems) process.stderr.write(`skipped ${auditFile} line ${p.line}: ${p.error}\n`);
      if (audit.entries > 0 || audit.problems.length > 0) {
        process.stdout.write(`${audit.entries} audit entr${audit.entries === 1 ? 'y' : 'ies'} (${audit.added} new), ${audit.problems.length} skipped, from ${auditFile}\n`);
      }
      return report.problems.length > 0 || audit.problems.length > 0 ? 1 : 0;
    } finally {
      await ix.close();
    }
  },
};
