// A run as `benchctl run`/`resume` drive it: through BenchService in this process (the one API the
// desktop app and the browser UI use too). The service's run events go to the output; Ctrl-C (SIGINT)
// and SIGTERM abort the run safely (the engine makes the bench safe before the records close), or, before
// it started, stop there; at the end the service shuts down, making the bench safe and closing it.
// Exit code 0 passed, 1 a limit failed, 2 error or abort.
import type { IndexTarget } from '../runindex/index-target.ts';
import type { RecoveryPolicy } from '../sequences/engine/link-loss.ts';
import { BenchService } from '../service/bench-service.ts';
import type { RunPhase, RunState } from '../service/run-types.ts';
import { jsonOutput, plainOutput, progressOutput, type RunOutput } from './run-output.ts';

export function chooseOutput(json: boolean): RunOutput {
  if (json) return jsonOutput((l) => process.stdout.write(l));
  if (process.stdout.isTTY) return progressOutput(process.stdout);
  return plainOutput((l) => process.stdout.write(l));
}

const ENDED: ReadonlySet<RunPhase> = new Set(['passed', 'failed', 'aborted', 'error']);

export function exitCodeOf(phase: RunPhase): number {
  return phase === 'passed' ? 0 : phase === 'failed' ? 1 : 2;
}

/** The bench could not be made safe (some role stayed unsafe past the safe deadline): worse than any run outcome. */
export const EXIT_UNSAFE = 3;

/** `--reconnect-deadline` and `--safe-deadline` as overrides of the sequence's `recovery:`. */
export function recoveryOverrides(a: { reconnectDeadline_s: number | undefined; safeDeadline_s: number | undefined }): Partial<RecoveryPolicy> {
  return {
    ...(a.reconnectDeadline_s !== undefined ? { deadline_s: a.reconnectDeadline_s } : {}),
    ...(a.safeDeadline_s !== undefined ? { safeDeadline_s: a.safeDeadline_s } : {}),
  };
}

export interface CliServiceOptions {
  /** Where run folders go (`--out`), or where the resumed run's folder is. */
  runsDir: string;
  /** `--reconnect-deadline`. */
  recovery?: Partial<RecoveryPolicy>;
  /** `--index` or the bench file's `index:`; default an SQLite file beside the runs folder. */
  index?: IndexTarget | undefined;
}

/**
 * The service for one headless command: paths resolve against the working directory; no meter monitor and
 * no laser watch (nobody to show them to); no run events kept for catching up (each is printed as it comes).
 */
export function cliService(opts: CliServiceOptions): BenchService {
  return new BenchService({
    runsDir: opts.runsDir, cwd: process.cwd(), roots: 'any', scriptRoots: 'any', monitor: { enabled: false }, laserWatch: { enabled: false }, keptRunEvents: 0,
    ...(opts.recovery ? { recovery: opts.recovery } : {}),
    // Closing insists too: said on stderr while it does, so a wait of a minute is never silent.
    onSafeProgress: (message) => process.stderr.write(`benchctl: ${message}\n`),
    // The run never waits for the index; a server that cannot be reached is said once, on stderr.
    index: { ...(opts.index ? { target: opts.index } : {}), onProblem: (m) => process.stderr.write(`benchctl: ${m}\n`) },
  });
}

export interface CliRunSteps {
  /** Before the run: check the sequence, open the bench. A signal meanwhile stops the command after it. */
  prepare?(service: BenchService): Promise<void>;
  /** Starts the run: startRun, or resumeRun with a run id. */
  begin(service: BenchService): Promise<RunState>;
}

export async function executeRun(service: BenchService, steps: CliRunSteps, json: boolean): Promise<number> {
  const out = chooseOutput(json);
  let interrupted: NodeJS.Signals | null = null;
  let started = false;
  let signals = 0;
  const abort = (sig: NodeJS.Signals): void => {
    // Refused only when the run has ended meanwhile: nothing left to abort.
    service.abortRun({ message: `interrupted by ${sig}` }).catch(() => undefined);
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    // A second Ctrl-C while the bench is being made safe must not kill it halfway: say so instead.
    if (signals > 1) process.stderr.write(`benchctl: ${sig} again; still making the bench safe and closing the records\n`);
    interrupted ??= sig;
    if (started) abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let ended: (s: RunState) => void = () => {};
  const end = new Promise<RunState>((resolve) => (ended = resolve));
  const offs = [
    service.on('run', ({ event }) => out.event(event)),
    service.on('runState', (s) => {
      if (s.runId !== null && ENDED.has(s.phase)) ended(s);
    }),
  ];
  const body = async (): Promise<number> => {
    await steps.prepare?.(service);
    if (interrupted) {
      process.stderr.write(`benchctl: interrupted by ${interrupted} before the run started; nothing was run\n`);
      return 2;
    }
    await steps.begin(service);
    started = true;
    if (interrupted) abort(interrupted);
    return exitCodeOf((await end).phase);
  };
  // The records are closed by then; the bench is made safe (laser off, stages stopped) and closed. The
  // signal handlers stay until it is, so a second Ctrl-C cannot cut the safe state short.
  const close = async (): Promise<boolean> => {
    for (const off of offs) off();
    out.stop();
    const closed = await service.shutdown();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!closed.ok) process.stderr.write(`benchctl: the bench could NOT be made safe on closing: ${closed.message}\n`);
    return closed.ok;
  };
  let code: number;
  try {
    code = await body();
  } catch (err) {
    await close();
    throw err;
  }
  // A bench left unsafe is not a clean exit, whatever the run's outcome: closing tried until the safe
  // deadline, so this is the bench's state as the process leaves it.
  return (await close()) ? code : EXIT_UNSAFE;
}
