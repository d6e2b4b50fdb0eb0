// Protocol replay, after PyMeasure's `expected_protocol`: a transport that expects an exact list of
// program messages, answers each with its scripted reply, and fails the test on the first unexpected
// message (naming expected and got) or on exchanges left unused. A real ScpiSession sits on top, so a
// driver under test runs its true code path down to the bytes.
//
//   await expectProtocol([
//     [':SENS1:CHAN1:POW:WAV 1550NM', null],
//     NO_ERROR,
//     [':SENS1:CHAN1:POW:WAV?', '+1.55000000E-06'],
//   ], async (session) => { ... });
import { EventEmitter } from 'node:events';
import { encodeDefiniteBlock, encodeFloats } from '../../drivers/scpi/index.ts';
import type { FloatType } from '../../drivers/scpi/index.ts';
import { LinkLostError } from '../../drivers/errors.ts';
import { ScpiSession } from '../../drivers/session/scpi-session.ts';
import { resolveSessionOptions } from '../../drivers/session/session-options.ts';
import type { SessionOptions } from '../../drivers/session/session-options.ts';
import type { Transport } from '../../drivers/transport/transport.ts';

/** A text reply (the read terminator is appended), raw bytes sent as they are, or null for no reply. */
export type ReplayReply = string | Uint8Array | null;
export type Exchange = readonly [command: string, reply: ReplayReply];

/** The error-queue check that follows every checked write: the queue is empty. */
export const NO_ERROR: Exchange = ['SYST:ERR?', '+0,"No error"'];

export const REPLAY_RESOURCE = 'TCPIP0::replay.invalid::5025::SOCKET';

export class ProtocolMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolMismatchError';
  }
}

/** A definite block of floats followed by the terminator, as a Keysight instrument sends logged data. */
export function floatBlock(values: readonly number[], type: FloatType, byteOrder: 'little' | 'big' = 'little'): Uint8Array {
  return Buffer.concat([encodeDefiniteBlock(encodeFloats(values, type, byteOrder)), Buffer.from('\n')]);
}

export class ReplayTransport extends EventEmitter implements Transport {
  readonly resource: string;
  isOpen = true;
  /** Every message received, in order (terminator stripped). */
  readonly received: string[] = [];
  /** The first mismatch, kept so a driver that swallows the write error cannot hide it. */
  mismatch: ProtocolMismatchError | null = null;
  private next = 0;

  constructor(private readonly exchanges: readonly Exchange[], resource = REPLAY_RESOURCE,
    private readonly writeTermination = '\n', private readonly readTermination = '\n') {
    super();
    this.resource = resource;
  }

  async open(): Promise<void> {
    this.isOpen = true;
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new LinkLostError(this.resource, 'the link is not open'));
    const text = Buffer.from(data).toString('latin1');
    const messages = text.split(this.writeTermination);
    if (messages.at(-1) === '') messages.pop();
    for (const message of messages) {
      this.received.push(message);
      const expected = this.exchanges[this.next];
      if (this.mismatch) return Promise.reject(this.mismatch);
      if (!expected) {
        return this.fail(`unexpected message ${JSON.stringify(message)} after all ${this.exchanges.length} expected exchanges were used`);
      }
      if (expected[0] !== message) {
        return this.fail(`exchange ${this.next + 1} of ${this.exchanges.length}: expected ${JSON.stringify(expected[0])}, got ${JSON.stringify(message)}` +
          `\n  received so far: ${JSON.stringify(this.received)}`);
      }
      this.next++;
      const reply = expected[1];
      if (reply !== null) {
        const bytes = typeof reply === 'string' ? Buffer.from(reply + this.readTermination, 'latin1') : Buffer.from(reply);
        setImmediate(() => {
          if (this.isOpen) this.emit('data', bytes);
        });
      }
    }
    return Promise.resolve();
  }

  /** Fire-and-forget write: a mismatch shows up as the link being lost, the way a failed send would. */
  send(data: Uint8Array): void {
    this.write(data).catch((err: Error) => {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.emit('lost', new LinkLostError(this.resource, err.message, { cause: err }));
    });
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  /** Throws the first mismatch, or a ProtocolMismatchError listing the exchanges never used. */
  verify(): void {
    if (this.mismatch) throw this.mismatch;
    if (this.next < this.exchanges.length) {
      const left = this.exchanges.slice(this.next).map(([c]) => JSON.stringify(c));
      throw new ProtocolMismatchError(`${left.length} expected exchange(s) never happened: ${left.join(', ')}` +
        `\n  received: ${JSON.stringify(this.received)}`);
    }
  }

  private fail(message: string): Promise<never> {
    this.mismatch = new ProtocolMismatchError(message);
    return Promise.reject(this.mismatch);
  }
}

export interface Replay {
  session: ScpiSession;
  transport: ReplayTransport;
}

/** A session over a replay transport; short timeouts so a reply the script leaves out fails fast. */
export function replaySession(exchanges: readonly Exchange[], options: SessionOptions = {}): Replay {
  const transport = new ReplayTransport(exchanges, REPLAY_RESOURCE, options.writeTermination ?? '\n', options.readTermination ?? '\n');
  const session = new ScpiSession(transport, resolveSessionOptions(REPLAY_RESOURCE, { timeout_ms: 250, resyncQuiet_ms: 20, ...options }));
  return { session, transport };
}

/**
 * Runs `body` against a session that expects exactly `exchanges`, in order. Fails on the first unexpected
 * message and on exchanges left unused when `body` returns; closes the session either way.
 */
export async function expectProtocol<T>(exchanges: readonly Exchange[], body: (session: ScpiSession) => Promise<T>,
  options: SessionOptions = {}): Promise<T> {
  const { session, transport } = replaySession(exchanges, options);
  try {
    const result = await body(session);
    transport.verify();
    return result;
  } catch (err) {
    if (transport.mismatch && err !== transport.mismatch) throw transport.mismatch;
    throw err;
  } finally {
    await session.close();
  }
}
