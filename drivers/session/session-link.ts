// The session's side of one transport: bytes in through the framer, at most one reader waiting for a reply
// (with its timeout), and the bookkeeping a resynchronisation needs. No queueing and no protocol here.
import {
  BlockFormatError, LinkLostError, TimeoutError, TruncatedBlockError,
} from '../errors.ts';
import type { Transport } from '../transport/transport.ts';
import { REPLY_ENCODING, ReplyFramer } from './reply-framer.ts';
import type { Frame } from './reply-framer.ts';

export type ReplyFrame = Exclude<Frame, { kind: 'invalid-block' }>;

interface Reader {
  command: string | undefined;
  timeout_ms: number;
  resolve: (frame: ReplyFrame) => void;
  reject: (err: Error) => void;
}

interface QuietWait {
  resolve: (dropped: number) => void;
  dropped: number;
  quietTimer: NodeJS.Timeout;
  capTimer: NodeJS.Timeout;
}

export class SessionLink {
  readonly resource: string;
  /** Set when the reply stream may hold bytes that belong to no pending call (after a timeout or bad block). */
  stale = false;
  /** Replies that timed out and may still arrive; a resynchronisation has to get past all of them. */
  unanswered = 0;
  /** The first command whose reply timed out since the link was last in step. */
  timedOutCommand: string | undefined = undefined;
  private readonly transport: Transport;
  private readonly framer: ReplyFramer;
  private reader: Reader | null = null;
  /**
   * One timer serves every read: refresh() restarts it, which costs much less than a setTimeout and a
   * clearTimeout per query. When a read finishes first, the timer is left to fire into an empty slot.
   */
  private readTimer: NodeJS.Timeout | null = null;
  private readTimer_ms = 0;
  private quiet: QuietWait | null = null;
  /** Once the link is lost or the session closed, every read and write fails at once with this. */
  private failure: ((command: string | undefined) => Error) | null = null;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  private readonly onReadTimeout = (): void => this.timeoutReader();

  constructor(transport: Transport, readTermination: string, private readonly onLost: (err: LinkLostError) => void) {
    this.transport = transport;
    this.resource = transport.resource;
    this.framer = new ReplyFramer(readTermination);
    transport.on('data', this.onData);
    transport.on('lost', (err) => this.lose(err));
  }

  get buffered(): number {
    return this.framer.buffered;
  }

  /** Bytes are waiting that no read has asked for (beyond a block's trailing terminator). */
  hasUnread(): boolean {
    return this.framer.hasUnread();
  }

  /** Sends bytes; resolves once the transport has taken them. */
  send(text: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure(undefined));
    return this.transport.write(Buffer.from(text, REPLY_ENCODING));
  }

  /**
   * Sends bytes without waiting for the transport to confirm them; a failed write loses the link, and the
   * 'lost' event fails the pending read.
   */
  sendForRead(text: string): void {
    const data = Buffer.from(text, REPLY_ENCODING);
    if (this.transport.send) {
      try {
        this.transport.send(data);
      } catch (err) {
        this.failReader(asError(err));
      }
      return;
    }
    this.transport.write(data).then(undefined, (err: unknown) => this.failReader(asError(err)));
  }

  /** Waits for the next reply. Must not be called while another read is pending (the queue sees to that). */
  read(command: string | undefined, timeout_ms: number, reported_ms = timeout_ms): Promise<ReplyFrame> {
    if (this.failure) return Promise.reject(this.failure(command));
    if (this.reader) return Promise.reject(new Error(`internal: a read is already pending on ${this.resource}`));
    return new Promise<ReplyFrame>((resolve, reject) => {
      this.reader = { command, timeout_ms: reported_ms, resolve, reject };
      this.armTimer(timeout_ms);
      if (this.framer.buffered > 0) this.pump();
      if (this.reader) this.transport.requestReply?.(timeout_ms);
    });
  }

  /** Drops whatever arrives until the line has been silent for `quiet_ms` (at most `max_ms` in all). */
  waitQuiet(quiet_ms: number, max_ms: number): Promise<number> {
    const dropped = this.framer.discard();
    if (this.failure) return Promise.resolve(dropped);
    return new Promise<number>((resolve) => {
      const finish = (): void => {
        const q = this.quiet;
        if (!q) return;
        this.quiet = null;
        clearTimeout(q.quietTimer);
        clearTimeout(q.capTimer);
        q.resolve(q.dropped);
      };
      this.quiet = { resolve, dropped, quietTimer: setTimeout(finish, quiet_ms), capTimer: setTimeout(finish, Math.max(quiet_ms, max_ms)) };
    });
  }

  /** Forgets buffered bytes and the stale state (after a successful resynchronisation). */
  markSynchronised(): void {
    this.framer.discard();
    this.stale = false;
    this.unanswered = 0;
    this.timedOutCommand = undefined;
  }

  discard(): number {
    return this.framer.discard();
  }

  /** From now on (until revive()), fails the pending read and every later read or write with `makeError`. */
  fail(makeError: (command: string | undefined) => Error): void {
    this.failure = makeError;
    this.abort(makeError);
    this.framer.discard();
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
  }

  /** After the transport reopened: usable again, but resynchronise before trusting the reply stream. */
  revive(): void {
    this.failure = null;
    this.framer.discard();
    this.stale = true;
    this.timedOutCommand = undefined;
  }

  private abort(makeError: (command: string | undefined) => Error): void {
    const r = this.reader;
    if (r) {
      this.reader = null;
      r.reject(makeError(r.command));
    }
    const q = this.quiet;
    if (q) {
      this.quiet = null;
      clearTimeout(q.quietTimer);
      clearTimeout(q.capTimer);
      q.resolve(q.dropped);
    }
  }

  private armTimer(timeout_ms: number): void {
    if (this.readTimer && this.readTimer_ms === timeout_ms) {
      this.readTimer.refresh();
      return;
    }
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = setTimeout(this.onReadTimeout, timeout_ms);
    this.readTimer_ms = timeout_ms;
  }

  private receive(chunk: Buffer): void {
    const q = this.quiet;
    if (q) {
      q.dropped += chunk.length;
      q.quietTimer.refresh();
      return;
    }
    this.framer.push(chunk);
    if (!this.reader) return;
    this.pump();
    if (this.reader) this.transport.requestReply?.(this.readTimer_ms);
  }

  private pump(): void {
    const frame = this.framer.next();
    if (!frame) return;
    const r = this.reader as Reader;
    this.reader = null;
    if (frame.kind === 'invalid-block') {
      this.stale = true;
      this.framer.discard();
      r.reject(new BlockFormatError(this.resource, r.command, `${frame.reason} (reply begins ${JSON.stringify(frame.head)})`));
      return;
    }
    r.resolve(frame);
  }

  private timeoutReader(): void {
    const r = this.reader;
    if (!r) return;
    this.reader = null;
    this.stale = true;
    this.unanswered++;
    this.timedOutCommand ??= r.command;
    const partial = this.framer.partialBlock();
    const held = this.framer.buffered;
    const detail = held > 0 && !partial ? `${held} bytes arrived without the read terminator` : undefined;
    const timeout = new TimeoutError(this.resource, r.command, r.timeout_ms, detail);
    r.reject(partial
      ? new TruncatedBlockError(this.resource, r.command, partial.received_bytes, partial.expected_bytes, timeout)
      : timeout);
  }

  private failReader(err: Error): void {
    const r = this.reader;
    if (!r) return;
    this.reader = null;
    r.reject(err);
  }

  private lose(err: LinkLostError): void {
    const partial = this.framer.partialBlock();
    const lostFor = (command: string | undefined): LinkLostError =>
      new LinkLostError(this.resource, err.reason, { cause: err, ...(command === undefined ? {} : { command }) });
    // The read in flight learns what it lost; anything after it is simply told the link is gone.
    this.abort((command) => (partial
      ? new TruncatedBlockError(this.resource, command, partial.received_bytes, partial.expected_bytes, lostFor(command))
      : lostFor(command)));
    this.fail(lostFor);
    this.onLost(err);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
