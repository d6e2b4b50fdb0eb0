// A transport with no wire: the test sees every write and decides what comes back and when.
import { EventEmitter } from 'node:events';
import { LinkLostError } from '../../drivers/errors.ts';
import type { Transport } from '../../drivers/transport/transport.ts';

/** Answers one written message (terminator stripped); return the bytes to send back, or nothing. */
export type Responder = (message: string) => string | Uint8Array | undefined;

export class FakeTransport extends EventEmitter implements Transport {
  readonly resource: string;
  readonly writes: string[] = [];
  isOpen = false;
  opens = 0;
  responder: Responder | undefined;

  constructor(resource = 'TCPIP0::fake::5025::SOCKET', private readonly writeTerminator = '\n') {
    super();
    this.resource = resource;
  }

  async open(): Promise<void> {
    this.isOpen = true;
    this.opens++;
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new LinkLostError(this.resource, 'the link is not open'));
    const text = Buffer.from(data).toString('latin1');
    for (const message of text.split(this.writeTerminator).slice(0, -1)) {
      this.writes.push(message);
      const reply = this.responder?.(message);
      if (reply !== undefined) setImmediate(() => this.feed(reply));
    }
    return Promise.resolve();
  }

  /** Delivers bytes as if they came off the wire. */
  feed(data: string | Uint8Array): void {
    if (this.isOpen) this.emit('data', typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
  }

  /** The link goes away from the far side. */
  lose(reason: string): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.emit('lost', new LinkLostError(this.resource, reason));
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }
}
