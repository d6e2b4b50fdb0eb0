// SIM::<role> link: the simulator's duplex stream, no sockets. Program-message bytes go in, reply bytes
// come out, exactly as they would over TCP, so the session cannot tell the difference.
import type { Duplex } from 'node:stream';
import { ConnectError, LinkLostError } from '../errors.ts';
import { BaseTransport, describeIoError } from './transport.ts';
import type { InProcessEndpoint } from './transport.ts';

export class InProcessTransport extends BaseTransport {
  private readonly endpoint: InProcessEndpoint;
  private readonly role: string;
  private stream: Duplex | null = null;

  constructor(resource: string, endpoint: InProcessEndpoint, role: string) {
    super(resource);
    this.endpoint = endpoint;
    this.role = role;
  }

  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    let stream: Duplex;
    try {
      stream = this.endpoint.connect(this.role);
    } catch (err) {
      return Promise.reject(new ConnectError(this.resource, `the in-process endpoint refused role '${this.role}': ${describeIoError(err)}`, { cause: err }));
    }
    if (stream.destroyed || !stream.writable) {
      return Promise.reject(new ConnectError(this.resource, `the in-process endpoint for role '${this.role}' returned a closed stream`));
    }
    this.attach(stream);
    return Promise.resolve();
  }

  private attach(stream: Duplex): void {
    this.stream = stream;
    this.markOpen();
    const current = (): boolean => this.stream === stream;
    stream.on('data', (chunk: Buffer | string) => {
      if (current()) this.emit('data', typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    });
    stream.on('error', (err: Error) => {
      if (current()) this.reportLost(`in-process stream error: ${describeIoError(err)}`, err);
    });
    stream.on('end', () => {
      if (current()) this.reportLost(`the simulated '${this.role}' ended its stream`);
    });
    stream.on('close', () => {
      if (!current()) return;
      this.stream = null;
      this.reportLost(`the simulated '${this.role}' closed its stream`);
      this.markClosed();
    });
  }

  write(data: Uint8Array): Promise<void> {
    const stream = this.stream;
    if (!stream || !this.isOpen) return Promise.reject(this.notOpenError());
    return new Promise<void>((resolve, reject) => {
      stream.write(data, (err) => {
        if (err) reject(new LinkLostError(this.resource, `write failed: ${describeIoError(err)}`, { cause: err }));
        else resolve();
      });
    });
  }

  send(data: Uint8Array): void {
    const stream = this.stream;
    if (!stream || !this.isOpen) throw this.notOpenError();
    stream.write(data);
  }

  close(): Promise<void> {
    const stream = this.stream;
    this.closing = true;
    this.markClosed();
    this.stream = null;
    if (!stream || stream.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // end() lets the simulator see a clean end of input; destroy() releases both sides regardless.
      const done = (): void => {
        clearTimeout(force);
        stream.destroy();
        resolve();
      };
      const force = setTimeout(done, 200);
      stream.end(done);
    });
  }
}
