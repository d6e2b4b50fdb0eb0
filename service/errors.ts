// The service's refusals. Each names what was asked and what the caller can do about it; they travel to
// the UI as { name, message } (IPC and the WebSocket carry no classes).
import { formatIssue, type SequenceIssue } from '../sequences/schema/errors.ts';

/** A call that needs an open bench, with none open. */
export class BenchNotOpenError extends Error {
  override name = 'BenchNotOpenError';

  constructor(operation: string) {
    super(`${operation}: no bench is open; open a bench file or the simulator first`);
  }
}

/** Manual control (or closing the bench) while a run owns the bench. */
export class BenchBusyError extends Error {
  override name = 'BenchBusyError';
  readonly runId: string;

  constructor(operation: string, runId: string) {
    super(`${operation}: refused while run ${runId} owns the bench; pause does not release it — abort the run or wait for it to end`);
    this.runId = runId;
  }
}

/** A role the open bench lacks, or has as another kind of instrument. */
export class ServiceRoleError extends Error {
  override name = 'ServiceRoleError';
}

/** start/pause/resume/abort asked in a state that does not allow it. */
export class RunStateError extends Error {
  override name = 'RunStateError';
}

/** A run folder that is not there, or a file outside it. */
export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';
}

/** A sequence that does not validate, when starting a run (loadSequence returns the issues as data). */
export class SequenceRejectedError extends Error {
  override name = 'SequenceRejectedError';
  /** Each problem located (file, line, column, field), for callers in the process; the message lists them too. */
  readonly issues: readonly SequenceIssue[];

  constructor(operation: string, issues: readonly SequenceIssue[]) {
    super(`${operation}: the sequence does not validate (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map(formatIssue).join('\n')}`);
    this.issues = issues;
  }
}

/** A call's payload failed its schema, or the channel does not exist. */
export class ApiPayloadError extends Error {
  override name = 'ApiPayloadError';
  readonly channel: string;

  constructor(channel: string, message: string) {
    super(message);
    this.channel = channel;
  }
}

/** The JSON form of an error as it crosses a process boundary. */
export interface ErrorInfo {
  name: string;
  message: string;
}

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}
