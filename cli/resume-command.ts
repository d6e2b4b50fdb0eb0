// `benchctl resume <run-folder>`: continue an interrupted run into the same records, through BenchService
// in this process (resumeRun with the folder's run id), as the UI can from its run history.
import { basename, dirname, resolve } from 'node:path';
import { SequenceError } from '../sequences/schema/errors.ts';
import { SequenceRejectedError } from '../service/errors.ts';
import type { CliCommand } from './command.ts';
import { indexTargetOf } from './index-option.ts';
import { parseResumeArgs } from './run-args.ts';
import { cliService, executeRun, recoveryOverrides } from './run-exec.ts';

const USAGE = `Usage: benchctl resume <run-folder> [--bench FILE | --sim [--seed N] [--realtime]] [--json] [--index URL]

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
  --safe-deadline S         keep trying to make an instrument safe for S seconds
  --index URL|FILE          the run index (default: the bench file's index:, else beside the runs folder)
  -h, --help                this text

Exit codes: 0 passed, 1 a limit failed, 2 error or abort, 3 the bench could not be made safe (stderr names the role).`;

export const resumeCommand: CliCommand = {
  summary: 'continue an interrupted run from its last recorded point',
  usage: USAGE,
  async run(args) {
    const a = parseResumeArgs(args);
    if (a === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const folder = resolve(a.folder);
    const index = indexTargetOf({ index: a.index, benchFile: a.bench?.kind === 'file' ? a.bench.path : undefined });
    const service = cliService({ runsDir: dirname(folder), index, recovery: recoveryOverrides(a) });
    const bench = a.bench;
    // Errors (not a run folder, a finished run, a changed sequence) reach main(), which prints them and exits 2.
    return executeRun(service, {
      // With no bench given, resumeRun opens the one the run was started on.
      ...(bench ? { prepare: async (svc) => void (await svc.openBench(bench)) } : {}),
      begin: (svc) => svc.resumeRun({ runId: basename(folder) }).catch((err: unknown) => {
        // Printed as file:line:col: field: expected …, as `benchctl run` prints a sequence that does not validate.
        throw err instanceof SequenceRejectedError ? new SequenceError(err.issues) : err;
      }),
    }, a.json);
  },
};
