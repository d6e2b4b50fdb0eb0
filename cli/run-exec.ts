// Runs a prepared run in the CLI: output wired, Ctrl-C (SIGINT) and SIGTERM abort it safely, the bench
// closed at the end. Exit code 0 passed, 1 a limit failed, 2 error or abort.
import type { PreparedRun } from '../sequences/runner.ts';
import { jsonOutput, plainOutput, progressOutput, type RunOutput } from './run-output.ts';

export function chooseOutput(json: boolean): RunOutput {
  if (json) return jsonOutput((l) => process.stdout.write(l));
  if (process.stdout.isTTY) return progressOutput(process.stdout);
  return plainOutput((l) => process.stdout.write(l));
}

export async function executeRun(run: PreparedRun, json: boolean): Promise<number> {
  const out = chooseOutput(json);
  const off = run.engine.on((e) => out.event(e));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    // A second Ctrl-C while the bench is being made safe must not kill it halfway: say so instead.
    if (signals > 1) process.stderr.write(`benchctl: ${sig} again; still making the bench safe and closing the records\n`);
    run.engine.abort(`interrupted by ${sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await run.engine.run();
    return result.status === 'passed' ? 0 : result.status === 'failed' ? 1 : 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    off();
    out.stop();
    await run.close();
  }
}
