// Serial link (ASRL…::INSTR) through serialport 13. An unplugged USB adapter shows up as a close carrying
// a "disconnected" error, which becomes the one 'lost' event.
import { SerialPort } from 'serialport';
import { ConnectError, LinkLostError } from '../errors.ts';
import { BaseTransport, describeIoError } from './transport.ts';

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type FlowControl = 'none' | 'rtscts' | 'xonxoff';

export interface SerialLineSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: Parity;
  stopBits: 1 | 1.5 | 2;
  flowControl: FlowControl;
}

export const DEFAULT_SERIAL_SETTINGS: Readonly<SerialLineSettings> = {
  baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none',
};

export interface SerialTransportOptions extends Partial<SerialLineSettings> {
  path: string;
  /** Default 3000. */
  connectTimeout_ms?: number;
}

export class SerialTransport extends BaseTransport {
  readonly settings: Readonly<SerialLineSettings>;
  private readonly path: string;
  private readonly connectTimeout_ms: number;
  private port: SerialPort | null = null;

  constructor(resource: string, options: SerialTransportOptions) {
    super(resource);
    const { path, connectTimeout_ms = 3000, ...line } = options;
    this.path = path;
    this.connectTimeout_ms = connectTimeout_ms;
    this.settings = { ...DEFAULT_SERIAL_SETTINGS, ...stripUndefined(line) };
  }

  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    const { baudRate, dataBits, parity, stopBits, flowControl } = this.settings;
    const port = new SerialPort({
      path: this.path, baudRate, dataBits, parity, stopBits, autoOpen: false,
      rtscts: flowControl === 'rtscts', xon: flowControl === 'xonxoff', xoff: flowControl === 'xonxoff',
    });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        if (port.isOpen) port.close();
        reject(new ConnectError(this.resource, `serial port ${this.path} did not open within the connect timeout of ${this.connectTimeout_ms} ms`));
      }, this.connectTimeout_ms);
      port.open((err) => {
        clearTimeout(timer);
        if (settled) {
          if (!err) port.close();
          return;
        }
        if (err) {
          reject(new ConnectError(this.resource, `serial port ${this.path}: ${describeIoError(err)}`, { cause: err }));
          return;
        }
        this.attach(port);
        resolve();
      });
    });
  }

  private attach(port: SerialPort): void {
    this.port = port;
    this.markOpen();
    const current = (): boolean => this.port === port;
    port.on('data', (chunk: Buffer) => {
      if (current()) this.emit('data', chunk);
    });
    port.on('error', (err: Error) => {
      if (current()) this.reportLost(describeIoError(err), err);
    });
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (!current()) return;
      this.port = null;
      const reason = err?.disconnected ? `serial port ${this.path} disconnected: ${err.message}` : `serial port ${this.path} closed`;
      this.reportLost(reason, err);
      this.markClosed();
    });
    this.watchHangup(port, current);
  }

  /**
   * On a tty whose far end hangs up (a pty master closing, some USB adapters), read() returns 0 bytes and
   * serialport 13 retries at once, forever, instead of reporting it. The binding's poller does see the
   * hangup, so listen there, report the loss and close the port, which also ends that read loop.
   */
  private watchHangup(port: SerialPort, current: () => boolean): void {
    const poller = (port.port as { poller?: HangupPoller } | undefined)?.poller;
    if (!poller || typeof poller.once !== 'function') return;
    poller.once('disconnect', (err?: Error & { canceled?: boolean }) => {
      if (err?.canceled || !current()) return;
      this.port = null;
      this.reportLost(`serial port ${this.path} hung up (the far end of the line went away)`, err);
      this.markClosed();
      if (port.isOpen) port.close();
    });
  }

  write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || !this.isOpen) return Promise.reject(this.notOpenError());
    return new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) => {
        if (err) reject(new LinkLostError(this.resource, `write to ${this.path} failed: ${describeIoError(err)}`, { cause: err }));
        else resolve();
      });
    });
  }

  send(data: Uint8Array): void {
    const port = this.port;
    if (!port || !this.isOpen) throw this.notOpenError();
    port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  close(): Promise<void> {
    const port = this.port;
    this.closing = true;
    this.markClosed();
    this.port = null;
    if (!port || !port.isOpen) return Promise.resolve();
    return new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

interface HangupPoller {
  once(event: 'disconnect', listener: (err?: Error & { canceled?: boolean }) => void): unknown;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
