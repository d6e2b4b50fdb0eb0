// The TCP test instrument server: a ScriptedInstrument on 127.0.0.1, ephemeral port, one connection or many.
import net from 'node:net';
import { ScriptedInstrument } from './scripted-instrument.ts';
import { serveStream } from './serve-stream.ts';
import type { StreamFraming } from './serve-stream.ts';

export interface TestServerOptions {
  instrument?: ScriptedInstrument;
  framing?: StreamFraming;
  /** Default 0 (ephemeral). */
  port?: number;
}

export class TestInstrumentServer {
  readonly instrument: ScriptedInstrument;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;

  private constructor(server: net.Server, instrument: ScriptedInstrument) {
    this.server = server;
    this.instrument = instrument;
  }

  static start(options: TestServerOptions = {}): Promise<TestInstrumentServer> {
    const instrument = options.instrument ?? new ScriptedInstrument();
    const server = net.createServer({ noDelay: true });
    const self = new TestInstrumentServer(server, instrument);
    server.on('connection', (socket) => {
      self.connections++;
      self.sockets.add(socket);
      socket.on('close', () => self.sockets.delete(socket));
      serveStream(socket, instrument, options.framing);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(self);
      });
    });
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get resource(): string {
    return `TCPIP0::127.0.0.1::${this.port}::SOCKET`;
  }

  /** Connections accepted since start. */
  get connectionCount(): number {
    return this.connections;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Drops every client: 'end' closes politely (FIN), 'reset' aborts (RST). */
  dropClients(how: 'end' | 'reset' = 'end'): void {
    for (const s of this.sockets) {
      if (how === 'reset') s.resetAndDestroy();
      else s.end();
    }
  }

  /** Stops listening and destroys every connection. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
