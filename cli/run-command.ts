// `benchctl run <sequence.yaml> [--bench FILE | --sim] ...`: validate, plan, run, record.
import { prepareRun } from '../sequences/runner.ts';
import type { CliCommand } from './command.ts';
import { parseRunArgs } from './run-args.ts';
import { executeRun } from './run-exec.ts';

const USAGE = `Usage: benchctl run <sequence.yaml> (--bench FILE | --sim) [options]

Validates the sequence against the bench (ranges, soft limits) before anything moves, then runs it,
writing runs/<YYYYMMDD-HHMMSS>-<sequence>-<dut>/ (a CSV per table, run.json, journal.jsonl).

Options:
  --bench FILE              the bench file (roles → resources, drivers, stage soft limits)
  --sim                     an in-process simulated bench (fast virtual clock unless --realtime)
  --seed N                  the simulator's seed (default 1)
  --realtime                the simulator takes real time
  --out DIR                 where run folders go (default runs/)
  --set NAME=VALUE          override a parameter, with its unit (repeatable): --set wavelength=1560nm
  --json                    one event per line on stdout (JSON), for scripts
  --reconnect-deadline S    abort when a lost instrument is not back after S seconds (default: the sequence's)
  -h, --help                this text

Exit codes: 0 passed, 1 a limit failed, 2 error or abort. Ctrl-C aborts safely (laser off, stages stopped).`;

export const runCommand: CliCommand = {
  summary: 'run a sequence file on a bench (or --sim), recording a run folder',
  usage: USAGE,
  async run(args) {
    const a = parseRunArgs(args);
    if (a === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // A SequenceError (file:line:col: field: expected …) reaches main(), which prints it and exits 2.
    const run = await prepareRun({
      sequenceFile: a.sequence, set: a.set, outDir: a.outDir, bench: a.bench,
      ...(a.reconnectDeadline_s !== undefined ? { recovery: { deadline_s: a.reconnectDeadline_s } } : {}),
    });
    return executeRun(run, a.json);
  },
};
