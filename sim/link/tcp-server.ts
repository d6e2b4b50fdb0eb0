// One instrument on a raw TCP socket (`TCPIP0::127.0.0.1::<port>::SOCKET`), loopback only.
import net from 'node:net';
import type { InstrumentHost } from './instrument-host.ts';
import { serveStream } from './stream-link.ts';

/** Failure to put an instrument on the network (port taken, bad host); names the role and the address. */
export class LinkServeError extends Error {
  override name = 'LinkServeError';
}

export interface TcpEndpoint {
  readonly role: string;
  readonly host: string;
  readonly port: number;
  /** The VISA resource a client opens. */
  readonly resource: string;
  /** Stops listening and closes every open connection. Idempotent. */
  close(): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';

export function tcpResource(host: string, port: number): string {
  return `TCPIP0::${host}::${port}::SOCKET`;
}

/** Listens on `host:port` (port 0 = ephemeral) and serves `instrument` to every connection. */
export async function listenTcp(instrument: InstrumentHost, opts: { host?: string; port: number }): Promise<TcpEndpoint> {
  const host = opts.host ?? LOOPBACK;
  if (host !== LOOPBACK) {
    // The simulator is a development tool: it never exposes instruments beyond this machine.
    throw new LinkServeError(`serving '${instrument.role}': the simulator binds ${LOOPBACK} only, not '${host}'`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new LinkServeError(`serving '${instrument.role}': port must be an integer 0-65535, got ${opts.port}`);
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveStream(instrument, socket, 'tcp');
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.message;
      reject(new LinkServeError(`serving '${instrument.role}' on ${host}:${opts.port}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host, port: opts.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  let closing: Promise<void> | undefined;
  return {
    role: instrument.role,
    host,
    port,
    resource: tcpResource(host, port),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
