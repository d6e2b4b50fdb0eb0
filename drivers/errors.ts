// The I/O error classes of the instrument layer. Every message names the resource, because a bench has
// several instruments and "timeout" alone does not tell a technician which cable to look at.
import { quoteReply } from './scpi/response.ts';

/** The grammar's reply-parsing error (no resource or command); the session wraps it in ReplyFormatError. */
export { ResponseFormatError, quoteReply } from './scpi/response.ts';

/** Base of every error raised by a transport or a session. */
export class BenchIoError extends Error {
  readonly resource: string;

  constructor(resource: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.resource = resource;
  }
}

/** The link could not be opened (refused, unreachable, no such port, timed out connecting). */
export class ConnectError extends BenchIoError {
  readonly reason: string;

  constructor(resource: string, reason: string, options?: { cause?: unknown }) {
    super(resource, `cannot connect to ${resource}: ${reason}`, options);
    this.reason = reason;
  }
}

/** The link went away (peer closed, reset, adapter unplugged, stream ended). */
export class LinkLostError extends BenchIoError {
  readonly reason: string;
  /** The command whose exchange was pending or queued when the link went, if any. */
  readonly command: string | undefined;

  constructor(resource: string, reason: string, options?: { cause?: unknown; command?: string }) {
    super(resource, `link to ${resource} lost: ${reason}` +
      (options?.command === undefined ? '' : ` ('${options.command}' was not completed)`), options);
    this.reason = reason;
    this.command = options?.command;
  }
}

/** The session was closed by its owner while a call was pending or queued, or a call came after close(). */
export class SessionClosedError extends BenchIoError {
  readonly command: string | undefined;

  constructor(resource: string, command?: string) {
    super(resource, command === undefined
      ? `session to ${resource} is closed`
      : `session to ${resource} is closed; '${command}' was not completed`);
    this.command = command;
  }
}

/** No (complete) reply arrived within the read timeout. */
export class TimeoutError extends BenchIoError {
  readonly command: string | undefined;
  readonly timeout_ms: number;

  constructor(resource: string, command: string | undefined, timeout_ms: number, detail?: string) {
    const what = command === undefined ? 'a read' : `'${command}'`;
    super(resource, `timeout after ${timeout_ms} ms waiting for the reply to ${what} from ${resource}` +
      (detail ? ` (${detail})` : ''));
    this.command = command;
    this.timeout_ms = timeout_ms;
  }
}

/** A reply did not have the expected form (garbage where a number was expected, ...). */
export class ReplyFormatError extends BenchIoError {
  readonly command: string;
  readonly reply: string;
  readonly expected: string;

  constructor(resource: string, command: string, reply: string, expected: string, options?: { cause?: unknown }) {
    super(resource, `reply to '${command}' from ${resource} was ${quoteReply(reply)}; expected ${expected}`, options);
    this.command = command;
    this.reply = reply;
    this.expected = expected;
  }
}

/** An IEEE 488.2 block was malformed, or was not a block where one was expected. */
export class BlockFormatError extends BenchIoError {
  readonly command: string | undefined;

  constructor(resource: string, command: string | undefined, detail: string, options?: { cause?: unknown }) {
    super(resource, `bad binary block in the reply to ${command === undefined ? 'a read' : `'${command}'`} from ${resource}: ${detail}`, options);
    this.command = command;
  }
}

/**
 * A block stopped short because the read timed out or the link went away mid-block. The partial payload is
 * never handed out; `cause` is the TimeoutError or LinkLostError that cut it.
 */
export class TruncatedBlockError extends BlockFormatError {
  readonly received_bytes: number;
  /** Total block length announced by a definite header; null for an indefinite block. */
  readonly expected_bytes: number | null;

  constructor(resource: string, command: string | undefined, received_bytes: number, expected_bytes: number | null,
    cause: TimeoutError | LinkLostError) {
    const of = expected_bytes === null ? `${received_bytes} bytes of an indefinite block` : `${received_bytes} of ${expected_bytes} bytes`;
    const why = cause instanceof TimeoutError ? `no more data within ${cause.timeout_ms} ms` : cause.reason;
    super(resource, command, `truncated block: ${of} received, then ${why}`, { cause });
    this.received_bytes = received_bytes;
    this.expected_bytes = expected_bytes;
  }
}

export interface InstrumentErrorEntry {
  code: number;
  message: string;
  /**
   * Set on an error the session read from the queue while resynchronising after a timeout (before clearing
   * the queue): the first command whose reply timed out, usually the one the error explains.
   */
  afterTimeout?: string;
}

/** The instrument reported one or more errors in its error queue after a command. */
export class InstrumentError extends BenchIoError {
  /** The first error drained from the queue. */
  readonly code: number;
  readonly instrumentMessage: string;
  readonly command: string;
  /** Every error drained, oldest first. */
  readonly errors: readonly InstrumentErrorEntry[];

  constructor(resource: string, command: string, errors: readonly InstrumentErrorEntry[]) {
    const first = errors[0] ?? { code: 0, message: 'unknown error' };
    const list = errors.map((e) => `${e.code} "${e.message}"` +
      (e.afterTimeout === undefined ? '' : ` (found in the queue after '${e.afterTimeout}' timed out)`)).join('; ');
    super(resource, `${resource} reported ${errors.length === 1 ? 'an error' : `${errors.length} errors`} after '${command}': ${list}`);
    this.code = first.code;
    this.instrumentMessage = first.message;
    this.command = command;
    this.errors = errors;
  }
}

/** A session option has a value the session cannot use, or a required one is missing. */
export class SessionOptionError extends BenchIoError {
  readonly option: string;

  constructor(resource: string, option: string, problem: string) {
    super(resource, `option '${option}' for ${resource}: ${problem}`);
    this.option = option;
  }
}
