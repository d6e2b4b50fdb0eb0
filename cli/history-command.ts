// `benchctl history`: search the run index by DUT, lot, wafer, die, site, sequence, status, start and measurement
// conditions, newest first.
import { parseArgs } from 'node:util';
import { searchRuns } from '../runindex/query.ts';
import { filterOf, SearchRequestError } from '../runindex/search-request.ts';
import { WhereSyntaxError } from '../runindex/where.ts';
import type { CliCommand } from './command.ts';
import { formatHistory, type HistoryFormat } from './history-output.ts';
import { indexChoiceOf, openChosenIndex, rebuildIndex } from './index-store.ts';
import { CliUsageError } from './usage-error.ts';

const USAGE = `Usage: benchctl history [--runs DIR] [--index URL|FILE] [--dut D] [--lot L] [--wafer W] [--die D] [--site S]
                        [--sequence S] [--status S] [--since DATE] [--where "power_dBm > -25"] [--limit N] [--format table|csv|json]

Searches the run index, newest first. Without --index, the SQLite index beside --runs (default ./runs),
first brought up to date with the run folders; with --index postgresql://…, a lab's server.

Options:
  --dut, --lot, --wafer, --sequence   exact matches on the run's metadata and sequence name (a wafer run's
                    wafer is its map's name unless the metadata gives one)
  --die D, --site S runs that measured die D (site S): a wafer run's die-site, or the run's metadata die/site;
                    adds a die_sites column (each die-site's bin per pass, e.g. C07R03.A 2>1) and shows
                    only that die-site's values of the --where measurements
  --status S        passed, failed, aborted, error or running
  --since DATE      runs started on or after: 2026-01-31 (local midnight) or an ISO time
  --where COND      a measurement, a comparison (< <= > >= = !=) and a number in the measurement's unit;
                    several joined by 'and': "power_dBm > -25 and peakLoss_dB < 12" (any step's value)
  --limit N         at most N runs (default 100)
  --format F        table (default), csv, or json: an array of runs, each with runId, dut, lot, status,
                    passed, started and measurements [{ name, step, value, unit, min, max, verdict }]
                    (and dieSites [{ die, site, pass, bin, binName, ... }] with --die or --site)
  -h, --help        this text`;

const FORMATS: readonly HistoryFormat[] = ['table', 'csv', 'json'];

export const historyCommand: CliCommand = {
  summary: 'search recorded runs by DUT, lot, wafer, status, date and measurement values',
  usage: USAGE,
  async run(args) {
    let v;
    try {
      v = parseArgs({ args, strict: true, allowPositionals: false, options: {
        runs: { type: 'string' }, index: { type: 'string' }, dut: { type: 'string' }, lot: { type: 'string' }, wafer: { type: 'string' },
        die: { type: 'string' }, site: { type: 'string' }, sequence: { type: 'string' }, status: { type: 'string' }, since: { type: 'string' }, where: { type: 'string' },
        limit: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      } }).values;
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    if (v.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const format = (v.format ?? 'table') as HistoryFormat;
    if (!FORMATS.includes(format)) throw new CliUsageError(`--format expects one of ${FORMATS.join(', ')}, got '${v.format}'`);
    const limit = v.limit === undefined ? 100 : Number(v.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliUsageError(`--limit expects a whole number 1-10000, got '${v.limit}'`);
    let filter;
    try {
      filter = filterOf({ dut: v.dut, lot: v.lot, wafer: v.wafer, die: v.die, site: v.site, sequence: v.sequence, status: v.status, since: v.since, where: v.where });
    } catch (err) {
      if (err instanceof SearchRequestError) throw new CliUsageError(`--${err.message}`);
      if (err instanceof WhereSyntaxError) throw new CliUsageError(err.message);
      throw err;
    }
    const choice = indexChoiceOf(v.runs, v.index);
    const ix = await openChosenIndex(choice);
    try {
      if (choice.local) {
        const r = await rebuildIndex(ix.db, choice.runsDir).catch((err: Error) => {
          if (/no runs folder/.test(err.message)) return null;
          throw err;
        });
        for (const p of r?.problems ?? []) process.stderr.write(`benchctl history: skipped ${p.runId}: ${p.error}\n`);
      }
      const page = await searchRuns(ix.db, { ...filter, limit });
      const columns = [...new Set((filter.where ?? []).map((c) => c.name))];
      process.stdout.write(formatHistory(page.runs, format, columns, page.total, {
        ...(filter.die !== undefined ? { die: filter.die } : {}), ...(filter.site !== undefined ? { site: filter.site } : {}),
      }));
      return 0;
    } finally {
      await ix.close();
    }
  },
};
