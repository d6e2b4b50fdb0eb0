// `benchctl resume <run-folder>`: continue an interrupted run into the same records.
import { prepareResume } from '../sequences/runner.ts';
import type { CliCommand } from './command.ts';
import { parseResumeArgs } from './run-args.ts';
import { executeRun } from './run-exec.ts';

const USAGE = `Usage: benchctl resume <run-folder> [--bench FILE | --sim [--seed N] [--realtime]] [--json]

Continues an interrupted run (killed, crashed, aborted): rebuilds the plan from the folder's copy of the
sequence and its parameters and skips the steps that finished; puts the bench back as they left it (their
settings applied again, the stage at the current site, the alignment the next step stands on run again
into resume-<n>.*.csv); then continues the interrupted step after its last recorded point, appending to
the same CSVs (a half-written last row is cut off first).
Default bench: the one the run started on (the same simulator seed, or the same bench file).

Options:
  --bench FILE | --sim      run on another bench than the original (--sim: --seed N, --realtime)
  --json                    one event per line on stdout (JSON)
  --reconnect-deadline S    abort when a lost instrument is not back after S seconds
  -h, --help                this text

Exit codes: 0 passed, 1 a limit failed, 2 error or abort.`;

export const resumeCommand: CliCommand = {
  summary: 'continue an interrupted run from its last recorded point',
  usage: USAGE,
  async run(args) {
    const a = parseResumeArgs(args);
    if (a === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // A SequenceError (file:line:col: field: expected …) reaches main(), which prints it and exits 2.
    const run = await prepareResume({
      folder: a.folder, ...(a.bench ? { bench: a.bench } : {}),
      ...(a.reconnectDeadline_s !== undefined ? { recovery: { deadline_s: a.reconnectDeadline_s } } : {}),
    });
    return executeRun(run, a.json);
  },
};
