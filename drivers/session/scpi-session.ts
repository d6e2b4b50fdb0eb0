// The VISA-shaped session: write/query/typed readers/blocks over any transport, one exchange at a time,
// optional error-queue checking, and recovery after timeouts and link loss.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeFloats } from '../scpi/block.ts';
import type { ByteOrder, FloatType } from '../scpi/block.ts';
import {
  ResponseFormatError, parseResponseBoolean, parseResponseInteger, parseResponseNumber, parseResponseNumbers,
  parseResponseString,
} from '../scpi/response.ts';
import {
  BlockFormatError, InstrumentError, LinkLostError, ReplyFormatError, SessionClosedError, SessionOptionError, quoteReply,
} from '../errors.ts';
import type { BenchIoError, InstrumentErrorEntry } from '../errors.ts';
import type { Transport } from '../transport/transport.ts';
import { MAX_QUEUED_ERRORS, drainErrorQueue } from './error-drain.ts';
import { ExchangeQueue } from './exchange-queue.ts';
import { REPLY_ENCODING } from './reply-framer.ts';
import { resynchronise } from './resync.ts';
import type { ResyncRecovery } from './resync.ts';
import { SessionLink } from './session-link.ts';
import type { ReplyFrame } from './session-link.ts';
import { checkPerCall } from './session-options.ts';
import type { PerCallOptions, ResolvedSessionOptions } from './session-options.ts';

export type { ResyncRecovery } from './resync.ts';

export interface FloatBlockOptions extends PerCallOptions {
  type: FloatType;
  /** Default 'little' (what Keysight instruments send). */
  byteOrder?: ByteOrder;
}

export class ScpiSession extends EventEmitter {
  readonly resource: string;
  readonly options: Readonly<ResolvedSessionOptions>;
  private readonly transport: Transport;
  private readonly link: SessionLink;
  private readonly queue = new ExchangeQueue();
  private state: 'open' | 'lost' | 'closed' = 'open';
  private lostError: LinkLostError | null = null;
  private lastCommand: string | undefined;
  private watched: { command: string; answered: boolean } | null = null;
  private recovered: InstrumentErrorEntry[] = [];

  /** Wraps an already opened transport; `openResource()` is the usual way in. */
  constructor(transport: Transport, options: ResolvedSessionOptions) {
    super();
    this.transport = transport;
    this.resource = transport.resource;
    this.options = options;
    this.link = new SessionLink(transport, options.readTermination, (err) => this.onLinkLost(err));
    if (!transport.isOpen) {
      this.state = 'closed';
      this.link.fail((command) => new SessionClosedError(this.resource, command));
    }
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Sends a command; with checkErrors, drains the error queue afterwards. */
  write(command: string, opts?: PerCallOptions): Promise<void> {
    return this.exchange(command, async () => {
      this.lastCommand = command;
      await this.link.send(command + this.options.writeTermination);
      if (this.options.checkErrors) await this.drainErrors(command, this.timeout(opts));
    });
  }

  /** Reads one reply (after a write() of a query), terminator stripped. */
  read(opts?: PerCallOptions): Promise<string> {
    return this.exchange('read()', async () => frameText(await this.link.read(undefined, this.timeout(opts))));
  }

  /** Writes a query and returns its reply with the terminator stripped (a block reply comes back whole). */
  query(command: string, opts?: PerCallOptions): Promise<string> {
    return this.exchange(command, () => this.queryFrame(command, opts).then(frameText));
  }

  queryNumber(command: string, opts?: PerCallOptions): Promise<number> {
    return this.query(command, opts).then((r) => this.parseReply(command, r, parseResponseNumber));
  }

  queryInteger(command: string, opts?: PerCallOptions): Promise<number> {
    return this.query(command, opts).then((r) => this.parseReply(command, r, parseResponseInteger));
  }

  queryBoolean(command: string, opts?: PerCallOptions): Promise<boolean> {
    return this.query(command, opts).then((r) => this.parseReply(command, r, parseResponseBoolean));
  }

  queryNumbers(command: string, opts?: PerCallOptions): Promise<number[]> {
    return this.query(command, opts).then((r) => this.parseReply(command, r, parseResponseNumbers));
  }

  queryString(command: string, opts?: PerCallOptions): Promise<string> {
    return this.query(command, opts).then((r) => this.parseReply(command, r, parseResponseString));
  }

  /** Queries an IEEE 488.2 block and returns its payload; never partial data. */
  queryBlock(command: string, opts?: PerCallOptions): Promise<Uint8Array> {
    return this.exchange(command, async () => {
      const frame = await this.queryFrame(command, opts);
      if (frame.kind !== 'block') {
        throw new BlockFormatError(this.resource, command, `expected a block starting with '#<digit>', got ${quoteReply(frame.text)}`);
      }
      return frame.payload;
    });
  }

  /**
   * A compound query whose reply is `count` IEEE 488.2 definite blocks joined by ';' (IEEE 488.2 §8.4: one
   * message, one round trip): their payloads in order; never partial data.
   */
  queryBlocks(command: string, count: number, opts?: PerCallOptions): Promise<Uint8Array[]> {
    return this.exchange(command, async () => {
      const timeout_ms = this.timeout(opts);
      this.lastCommand = command;
      if (this.link.hasUnread()) await this.resync(command);
      const payloads: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        const frame = i === 0 ? await this.ask(command, timeout_ms) : await this.link.read(command, timeout_ms);
        if (frame.kind !== 'block') {
          throw new BlockFormatError(this.resource, command, `expected block ${i + 1} of ${count} starting with '#<digit>', got ${quoteReply(frame.text)}`);
        }
        payloads.push(frame.payload);
      }
      if (this.options.checkErrors) await this.drainErrors(command, timeout_ms);
      return payloads;
    });
  }

  async queryFloats(command: string, opts: FloatBlockOptions): Promise<number[]> {
    const { type, byteOrder = 'little' } = opts;
    if (type !== 'float32' && type !== 'float64') {
      throw new SessionOptionError(this.resource, 'type', `must be 'float32' or 'float64', got ${String(type)}`);
    }
    if (byteOrder !== 'little' && byteOrder !== 'big') {
      throw new SessionOptionError(this.resource, 'byteOrder', `must be 'little' or 'big', got ${String(byteOrder)}`);
    }
    const payload = await this.queryBlock(command, opts);
    try {
      return decodeFloats(payload, type, byteOrder);
    } catch (err) {
      throw new BlockFormatError(this.resource, command, (err as Error).message, { cause: err });
    }
  }

  /** Waits for pending operations to complete (`*OPC?` → `1` in SCPI). */
  opc(opts?: PerCallOptions): Promise<void> {
    const sync = this.options.dialect.syncQuery;
    if (!sync) {
      return Promise.reject(new SessionOptionError(this.resource, 'dialect', `the ${this.options.dialect.name} dialect has no operation-complete query`));
    }
    return this.query(sync.command, opts).then((reply) => {
      if (reply.trim() !== sync.reply) throw new ReplyFormatError(this.resource, sync.command, reply, `'${sync.reply}'`);
    });
  }

  /**
   * Errors a resynchronisation read from the instrument's queue before clearing it (each names the command
   * that timed out, `afterTimeout`), not yet reported by checkErrors(); oldest first.
   */
  get recoveredErrors(): readonly InstrumentErrorEntry[] {
    return this.recovered.slice();
  }

  /**
   * Drains the error queue; throws InstrumentError listing every error, attributed to the last command.
   * Errors recovered while resynchronising after a timeout (see recoveredErrors) come first: they were in
   * the queue before it was cleared.
   */
  checkErrors(opts?: PerCallOptions): Promise<void> {
    const dialect = this.options.dialect;
    if (dialect.errorQuery === null) {
      return Promise.reject(new SessionOptionError(this.resource, 'dialect', `the ${dialect.name} dialect has no error query`));
    }
    return this.exchange(dialect.errorQuery, async () => {
      const command = this.lastCommand ?? '(no command sent yet)';
      const earlier = this.recovered;
      this.recovered = [];
      try {
        await this.drainErrors(command, this.timeout(opts));
      } catch (err) {
        if (!(err instanceof InstrumentError)) {
          this.recovered = [...earlier, ...this.recovered]; // not reported: keep them for the next try
          throw err;
        }
        if (earlier.length > 0) throw new InstrumentError(this.resource, command, [...earlier, ...err.errors]);
        throw err;
      }
      if (earlier.length > 0) throw new InstrumentError(this.resource, command, earlier);
    });
  }

  /** Drops stale input, clears the instrument's status and error queue (unread) and resynchronises. */
  clear(): Promise<void> {
    return this.exchange('clear()', async () => {
      this.recovered = [];
      await resynchronise(this.link, this.options, 'clear()', { readErrors: false });
    });
  }

  /** Reconnects after a loss (or a close); the next exchange resynchronises first. */
  async reopen(): Promise<void> {
    if (this.state === 'open') return;
    await this.transport.open();
    this.link.revive();
    this.lostError = null;
    this.state = 'open';
  }

  /**
   * Drops the connection and opens a new one, for a link a resynchronisation could not bring back in step
   * (the sync query swallowed by a hung box, an exchange still waiting on a reply that will never come): the
   * exchange in flight and every queued one fail with LinkLostError (`reason`), nothing late from the old
   * connection can be taken for a reply, and the next exchange resynchronises first. No 'lost' event: the
   * caller is the one recovering the link.
   */
  async renew(reason: string): Promise<void> {
    if (this.state === 'closed') throw new SessionClosedError(this.resource, 'renew()');
    const lost = new LinkLostError(this.resource, reason);
    this.state = 'lost';
    this.lostError = lost;
    this.link.fail((command) => new LinkLostError(this.resource, reason, { cause: lost, command }));
    this.queue.rejectWaiting((label) => new LinkLostError(this.resource, reason, { cause: lost, command: label }));
    await this.transport.close();
    await this.reopen();
  }

  /** Closes the link; pending and queued calls reject with SessionClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.link.fail((command) => new SessionClosedError(this.resource, command));
    this.queue.rejectWaiting((label) => new SessionClosedError(this.resource, label));
    await this.transport.close();
  }

  override on(event: 'lost', listener: (err: LinkLostError) => void): this;
  /** A resynchronisation read errors from the queue before clearing it (also kept in recoveredErrors). */
  override on(event: 'recovered', listener: (recovery: ResyncRecovery) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off(event: 'lost', listener: (err: LinkLostError) => void): this;
  override off(event: 'recovered', listener: (recovery: ResyncRecovery) => void): this;
  override off(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  /**
   * From now on, whether `command` gets through (its exchange completes): after a stall, the engine tells a
   * command the box never answers (it times out again, not once answered) from a new stall that hits the
   * same command later (answered in between). One command is watched at a time; the last call wins.
   */
  watchAnswer(command: string): () => boolean {
    const watch = { command, answered: false };
    this.watched = watch;
    return () => watch.answered;
  }

  private exchange<T>(label: string, run: () => Promise<T>): Promise<T> {
    const unusable = this.unusable(label);
    if (unusable) return Promise.reject(unusable);
    const done = this.queue.run(label, () => (this.link.stale ? this.resync(label).then(run) : run()));
    const watch = this.watched;
    // Only while a command is watched, and only until it is answered: the common path stays one promise.
    if (watch === null || watch.command !== label) return done;
    return done.then((v) => {
      watch.answered = true;
      if (this.watched === watch) this.watched = null;
      return v;
    });
  }

  private resync(before: string): Promise<void> {
    return resynchronise(this.link, this.options, before).then((recovery) => {
      if (recovery.errors.length === 0) return;
      this.recovered.push(...recovery.errors);
      // Kept until checkErrors() reports them; bounded like an instrument's own queue.
      if (this.recovered.length > MAX_QUEUED_ERRORS) this.recovered.splice(0, this.recovered.length - MAX_QUEUED_ERRORS);
      this.emit('recovered', recovery);
    });
  }

  /**
   * Writes a query and reads its reply; runs inside an exchange. Kept free of async/await on the common path
   * (no delay, no error check): each await is another trip through the microtask queue, on every query.
   */
  private queryFrame(command: string, opts: PerCallOptions | undefined): Promise<ReplyFrame> {
    const timeout_ms = this.timeout(opts);
    this.lastCommand = command;
    const frame = this.link.hasUnread()
      // Bytes that came before this query was even sent cannot be its reply: get past them first.
      ? this.resync(command).then(() => this.ask(command, timeout_ms))
      : this.ask(command, timeout_ms);
    if (!this.options.checkErrors) return frame;
    return frame.then((f) => this.drainErrors(command, timeout_ms).then(() => f));
  }

  private ask(command: string, timeout_ms: number): Promise<ReplyFrame> {
    const wire = command + this.options.writeTermination;
    const delay_ms = this.options.queryDelay_ms;
    if (delay_ms > 0) {
      return this.link.send(wire).then(() => sleep(delay_ms)).then(() => this.link.read(command, timeout_ms));
    }
    const reply = this.link.read(command, timeout_ms);
    this.link.sendForRead(wire);
    return reply;
  }

  private drainErrors(command: string, timeout_ms: number): Promise<void> {
    return drainErrorQueue((query) => this.ask(query, timeout_ms).then(frameText), this.options.dialect, this.resource, command);
  }

  private parseReply<T>(command: string, reply: string, parse: (reply: string) => T): T {
    try {
      return parse(reply);
    } catch (err) {
      if (!(err instanceof ResponseFormatError)) throw err;
      throw new ReplyFormatError(this.resource, command, reply, err.expected, { cause: err });
    }
  }

  private timeout(opts: PerCallOptions | undefined): number {
    return checkPerCall(this.resource, opts, this.options.timeout_ms);
  }

  private unusable(label: string): BenchIoError | null {
    if (this.state === 'open') return null;
    if (this.state === 'closed') return new SessionClosedError(this.resource, label);
    const reason = this.lostError?.reason ?? 'the link went away';
    return new LinkLostError(this.resource, `${reason}; reopen() the session to reconnect`, { command: label });
  }

  private onLinkLost(err: LinkLostError): void {
    if (this.state !== 'open') return;
    this.state = 'lost';
    this.lostError = err;
    this.queue.rejectWaiting((label) => new LinkLostError(this.resource, err.reason, { cause: err, command: label }));
    this.emit('lost', err);
  }
}

function frameText(frame: ReplyFrame): string {
  return frame.kind === 'line' ? frame.text : frame.raw.toString(REPLY_ENCODING);
}
