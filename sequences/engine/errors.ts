// Why a run stopped early. Steps see RunAbortedError from checkpoint() and should let it propagate.

export type AbortReason = 'user' | 'error' | 'instrument-lost';

export class RunAbortedError extends Error {
  override name = 'RunAbortedError';
  readonly reason: AbortReason;

  constructor(reason: AbortReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A step threw: the run aborts safely; the message names the step. */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
  readonly stepId: string;

  constructor(stepId: string, cause: unknown) {
    super(`step ${stepId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.stepId = stepId;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
