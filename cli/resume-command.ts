// `benchctl resume <run-folder>`: continue an interrupted run into the same records.
import { prepareResume } from '../sequences/runner.ts';
import { SequenceError } from '../sequences/schema/errors.ts';
import type { CliCommand } from './command.ts';
import { parseResumeArgs } from './run-args.ts';
import { executeRun } from './run-exec.ts';

const USAGE = `Usage: benchctl resume <run-folder> [--bench FILE | --sim [--seed N] [--realtime]] [--json]

Continues an interrupted run (killed, crashed, aborted): rebuilds the plan from the folder's copy of the
sequence and its parameters, skips the steps that finished, and continues the interrupted step after its
last recorded point, appending to the same CSVs (a half-written last row is cut off first).
Default bench: the one the run started on (the same simulator seed, or the same bench file).

Options:
  --bench FILE | --sim      run on another bench than the original
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
    let run;
    try {
      run = await prepareResume({
        folder: a.folder, ...(a.bench ? { bench: a.bench } : {}),
        ...(a.reconnectDeadline_s !== undefined ? { recovery: { deadline_s: a.reconnectDeadline_s } } : {}),
      });
    } catch (err) {
      if (err instanceof SequenceError) {
        process.stderr.write(`benchctl resume: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    return executeRun(run, a.json);
  },
};
