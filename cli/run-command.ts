// `benchctl run <sequence.yaml> [--bench FILE | --sim] ...`: validate, plan, run, record — through
// BenchService in this process, as the desktop app and the browser UI run sequences.
import { loadSequenceFile } from '../sequences/schema/load.ts';
import { SequenceError } from '../sequences/schema/errors.ts';
import { hasWaferLoop } from '../sequences/wafer/wafer-loop.ts';
import { SequenceRejectedError } from '../service/errors.ts';
import type { SequenceSource } from '../service/run-types.ts';
import type { CliCommand } from './command.ts';
import { indexTargetOf } from './index-option.ts';
import { parseRunArgs } from './run-args.ts';
import { cliService, executeRun, recoveryOverrides } from './run-exec.ts';

const USAGE = `Usage: benchctl run <sequence.yaml> (--bench FILE | --sim) [options]

Validates the sequence against the bench (ranges, soft limits) before anything moves, then runs it,
writing runs/<YYYYMMDD-HHMMSS>-<sequence>-<dut>/ (a CSV per table, run.json, journal.jsonl).

Options:
  --bench FILE              the bench file (roles → resources, drivers, stage soft limits)
  --sim                     an in-process simulated bench (fast virtual clock unless --realtime)
  --seed N                  the simulator's seed (default 1)
  --realtime                the simulator takes real time
  --world chip|wafer        the simulator's world (default: wafer when the sequence has a wafer loop, else chip)
  --out DIR                 where run folders go (default runs/)
  --set NAME=VALUE          override a parameter, with its unit (repeatable): --set wavelength=1560nm
  --json                    one event per line on stdout (JSON), for scripts
  --reconnect-deadline S    abort when a lost instrument is not back after S seconds (default: the sequence's)
  --safe-deadline S         keep trying to make an instrument safe for S seconds (default: the sequence's, 60)
  --index URL|FILE          the run index: postgresql://user@host/db for a lab server, or an SQLite file
                            (default: the bench file's index:, else <out>.index.sqlite beside the runs folder)
  -h, --help                this text

Exit codes: 0 passed, 1 a limit failed, 2 error or abort, 3 the bench could not be made safe (stderr names the role). Ctrl-C aborts safely (laser off, stages stopped).`;

export const runCommand: CliCommand = {
  summary: 'run a sequence file on a bench (or --sim), recording a run folder',
  usage: USAGE,
  async run(args) {
    const a = parseRunArgs(args);
    if (a === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const source: SequenceSource = { kind: 'file', path: a.sequence, set: a.set };
    const index = indexTargetOf({ index: a.index, benchFile: a.bench.kind === 'file' ? a.bench.path : undefined });
    const service = cliService({ runsDir: a.outDir, index, recovery: recoveryOverrides(a) });
    // A SequenceError (file:line:col: field: expected …) reaches main(), which prints it and exits 2.
    return executeRun(service, {
      async prepare(svc) {
        // What the file alone can be checked for (YAML, schema, units, --set) is checked before any bench opens.
        const checked = await svc.loadSequence(source);
        if (!checked.ok) throw new SequenceError(checked.issues);
        await svc.openBench(await withWorld(a.bench, a.sequence, a.set));
      },
      // Then against the opened bench's ranges and soft limits, before anything moves.
      begin: (svc) => svc.startRun(source).catch((err: unknown) => {
        throw err instanceof SequenceRejectedError ? new SequenceError(err.issues) : err;
      }),
    }, a.json);
  },
};

/** --sim without --world: the simulated wafer for a sequence with a wafer loop, the chip otherwise. */
async function withWorld(bench: RunArgsBench, file: string, set: Record<string, string>): Promise<RunArgsBench> {
  if (bench.kind !== 'sim' || bench.world !== undefined) return bench;
  // Only a peek to choose the world: a file that does not load is reported by the run's own validation,
  // with its exit code, not here.
  const seq = await loadSequenceFile(file, { set: Object.entries(set).map(([k, v]) => `${k}=${v}`) }).catch(() => null);
  return seq && hasWaferLoop(seq.doc.steps) ? { ...bench, world: 'wafer' } : bench;
}

type RunArgsBench = Exclude<ReturnType<typeof parseRunArgs>, 'help'>['bench'];
