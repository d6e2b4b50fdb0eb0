// Raw-socket link (TCPIP0::host::port::SOCKET): Nagle off so short queries are not held back, keep-alive
// so a dead peer (cable pulled, instrument power-cycled) is noticed even while the line is idle.
import net from 'node:net';
import { ConnectError, LinkLostError } from '../errors.ts';
import { BaseTransport, describeIoError } from './transport.ts';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Default 3000. */
  connectTimeout_ms?: number;
  /** Idle time before the first keep-alive probe; default 5000. */
  keepAliveDelay_ms?: number;
}

export class TcpTransport extends BaseTransport {
  private readonly options: Required<TcpTransportOptions>;
  private socket: net.Socket | null = null;

  constructor(resource: string, options: TcpTransportOptions) {
    super(resource);
    this.options = { connectTimeout_ms: 3000, keepAliveDelay_ms: 5000, ...options };
  }

  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    const { host, port, connectTimeout_ms, keepAliveDelay_ms } = this.options;
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: keepAliveDelay_ms });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError(this.resource, `no connection to ${host}:${port} within the connect timeout of ${connectTimeout_ms} ms`));
      }, connectTimeout_ms);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new ConnectError(this.resource, describeIoError(err), { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        this.attach(socket);
        resolve();
      });
    });
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    this.markOpen();
    let lastError: Error | undefined;
    // Handlers of a socket that has since been closed or replaced must not touch the current link.
    const current = (): boolean => this.socket === socket;
    socket.on('data', (chunk: Buffer) => {
      if (current()) this.emit('data', chunk);
    });
    socket.on('error', (err) => {
      lastError = err;
      if (current()) this.reportLost(describeIoError(err), err);
    });
    socket.on('end', () => {
      if (current()) this.reportLost('the peer closed the connection');
    });
    socket.on('close', () => {
      if (!current()) return;
      this.socket = null;
      this.reportLost(lastError ? describeIoError(lastError) : 'the connection closed', lastError);
      this.markClosed();
    });
  }

  write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.isOpen) return Promise.reject(this.notOpenError());
    return new Promise<void>((resolve, reject) => {
      socket.write(data, (err) => {
        if (err) reject(new LinkLostError(this.resource, `write failed: ${describeIoError(err)}`, { cause: err }));
        else resolve();
      });
    });
  }

  send(data: Uint8Array): void {
    const socket = this.socket;
    if (!socket || !this.isOpen) throw this.notOpenError();
    socket.write(data);
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.closing = true;
    this.markClosed();
    if (!socket) return Promise.resolve();
    this.socket = null;
    return new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      // A graceful FIN first; a peer that never finishes its side is cut off.
      const force = setTimeout(() => socket.destroy(), 500);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      socket.end();
    });
  }
}
