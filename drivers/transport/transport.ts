// One interface for every link to an instrument. A transport moves bytes and reports loss; framing,
// queueing and timeouts belong to the session above it.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { LinkLostError } from '../errors.ts';

export interface Transport {
  /** Canonical resource text, for messages. */
  readonly resource: string;
  readonly isOpen: boolean;
  /** Opens the link; rejects with ConnectError naming the resource and cause, within the connect timeout. */
  open(): Promise<void>;
  write(data: Uint8Array): Promise<void>;
  /**
   * Optional: writes without waiting to hear that the bytes were taken; a failure shows up as the 'lost'
   * event. The session's hot path prefers it, since a write callback per query costs a few percent of
   * throughput; without it the session uses write().
   */
  send?(data: Uint8Array): void;
  /**
   * Message-based links only (VXI-11, USBTMC): the session now waits for a reply, so ask the instrument for
   * one. Called once per read, and again while a reply is still incomplete after its bytes arrived. A
   * byte-stream link leaves it out: replies flow without being asked for.
   */
  requestReply?(timeout_ms: number): void;
  /** Closes the link; idempotent, and never reports it as lost. */
  close(): Promise<void>;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'lost', listener: (err: LinkLostError) => void): this;
  off(event: 'data', listener: (chunk: Buffer) => void): this;
  off(event: 'lost', listener: (err: LinkLostError) => void): this;
}

/** What the simulator offers for SIM:: resources: a duplex carrying program messages in and replies out. */
export interface InProcessEndpoint {
  connect(role: string): Duplex;
}

/**
 * Shared bookkeeping: the open flag, and turning the first sign of loss into exactly one 'lost' event.
 * Subclasses call `markOpen()` once connected and `reportLost(reason)` from every loss path.
 */
export abstract class BaseTransport extends EventEmitter implements Transport {
  readonly resource: string;
  private openFlag = false;
  /** Set by close() so the teardown that follows is not mistaken for a loss. */
  protected closing = false;

  protected constructor(resource: string) {
    super();
    this.resource = resource;
  }

  get isOpen(): boolean {
    return this.openFlag;
  }

  abstract open(): Promise<void>;
  abstract write(data: Uint8Array): Promise<void>;
  abstract send(data: Uint8Array): void;
  abstract close(): Promise<void>;

  protected markOpen(): void {
    this.openFlag = true;
    this.closing = false;
  }

  protected markClosed(): void {
    this.openFlag = false;
  }

  /** Emits 'lost' once per opened link; later reports of the same loss (error then close) are ignored. */
  protected reportLost(reason: string, cause?: unknown): void {
    if (!this.openFlag || this.closing) return;
    this.openFlag = false;
    this.emit('lost', new LinkLostError(this.resource, reason, cause === undefined ? undefined : { cause }));
  }

  protected notOpenError(): LinkLostError {
    return new LinkLostError(this.resource, 'the link is not open');
  }
}

/** Describes a Node socket/stream error for a message: the errno code plus its text. */
export function describeIoError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
