// safe() must try every step even when one fails (a laser left on because the meter timed out first is
// the failure that matters), then report all that failed.
import { InstrumentError } from '../errors.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

export class SafeStateError extends Error {
  readonly resource: string;
  readonly failures: readonly { step: string; error: unknown }[];

  constructor(resource: string, failures: readonly { step: string; error: unknown }[]) {
    super(`${resource}: could not complete the safe state: ${failures.map((f) => `${f.step}: ${(f.error as Error)?.message ?? String(f.error)}`).join('; ')}`);
    this.name = 'SafeStateError';
    this.resource = resource;
    this.failures = failures;
  }
}

export type SafeStep = readonly [step: string, run: () => Promise<unknown>];

/** Runs every step in order; throws SafeStateError listing the ones that failed, after trying them all. */
export async function runSafeSteps(resource: string, steps: readonly SafeStep[]): Promise<void> {
  const failures: { step: string; error: unknown }[] = [];
  for (const [step, run] of steps) {
    try {
      await run();
    } catch (error) {
      failures.push({ step, error });
    }
  }
  if (failures.length > 0) throw new SafeStateError(resource, failures);
}

/**
 * Sends a command whose refusal does not matter in a safe state (stopping what is not running), then
 * drains the error queue so the refusal does not get blamed on the next command.
 */
export async function writeTolerant(session: ScpiSession, command: string): Promise<void> {
  try {
    await session.write(command);
    if (!session.options.checkErrors && session.options.dialect.errorQuery !== null) await session.checkErrors();
  } catch (err) {
    if (!(err instanceof InstrumentError)) throw err;
  }
}
