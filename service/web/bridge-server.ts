// Browser mode: one HTTP server on 127.0.0.1 that serves the built UI and, at /bridge, the WebSocket
// bridge exposing BenchApi. The handshake needs the per-launch token (401 without it), a Host naming our
// loopback origin and, from browsers, our Origin (403 otherwise). Every call is validated by dispatchCall
// (channel and payload schema); every service event is broadcast to every connected client.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { BENCH_CHANNELS, BENCH_EVENTS, type BenchApi } from '../bench-api.ts';
import { BRIDGE_PATH, BRIDGE_PROTOCOL, CLOSE, MAX_FRAME_BYTES, type ServerMessage } from '../bridge-protocol.ts';
import { callMessageSchema } from './call-message.ts';
import { dispatchCall } from '../dispatch.ts';
import type { AnyBenchEventListener } from '../event-hub.ts';
import { hostAllowed, newToken, originAllowed, tokenMatches } from './guard.ts';
import { serveStatic } from './static-files.ts';

export interface BridgeTarget extends BenchApi {
  events: { onAny(listener: AnyBenchEventListener): () => void };
}

export interface BridgeServerOptions {
  service: BridgeTarget;
  /** 0 (default) picks a free port. The host is always 127.0.0.1. */
  port?: number;
  /** Default: a fresh random token. */
  token?: string;
  /** The built UI (index.html and assets); null serves a page saying how to build it. */
  staticDir?: string | null;
  notBuiltHint?: string;
  /** More origins allowed to open the bridge (e.g. a Vite dev server's http://127.0.0.1:5173). */
  extraOrigins?: readonly string[];
  /** A client whose unsent events exceed this is disconnected (it catches up with runEvents). Default 16 MB. */
  maxBufferedBytes?: number;
  /** Ping interval for finding dead clients; default 30 s. */
  heartbeat_s?: number;
}

const HOST = '127.0.0.1';

export class BridgeServer {
  readonly port: number;
  readonly token: string;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private closing: Promise<void> | null = null;

  private constructor(http: Server, wss: WebSocketServer, port: number, token: string, unsubscribe: () => void, heartbeat: NodeJS.Timeout) {
    this.http = http;
    this.wss = wss;
    this.port = port;
    this.token = token;
    this.unsubscribe = unsubscribe;
    this.heartbeat = heartbeat;
  }

  /** The URL to open: the UI with the token, which the client moves out of the address bar. */
  get url(): string {
    return `http://${HOST}:${this.port}/?token=${encodeURIComponent(this.token)}`;
  }

  get bridgeUrl(): string {
    return `ws://${HOST}:${this.port}${BRIDGE_PATH}?token=${encodeURIComponent(this.token)}`;
  }

  /** Where it listens (always 127.0.0.1). */
  address(): { host: string; port: number } {
    const a = this.http.address();
    return typeof a === 'object' && a ? { host: a.address, port: a.port } : { host: HOST, port: this.port };
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  static async start(opts: BridgeServerOptions): Promise<BridgeServer> {
    const token = opts.token ?? newToken();
    const maxBuffered = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    let port = 0;
    const http = createServer((req, res) => {
      if (!hostAllowed(req.headers.host, port)) {
        res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`this server answers only as http://${HOST}:${port}\n`);
        return;
      }
      void serveStatic(req, res, { root: opts.staticDir ?? null, port, notBuiltHint: opts.notBuiltHint ?? 'Build it with: npm run build:renderer' });
    });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const refusal = checkHandshake(req, port, token, opts.extraOrigins ?? []);
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refusal}\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    await new Promise<void>((resolveListen, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, HOST, () => {
        http.off('error', reject);
        resolveListen();
      });
    });
    const address = http.address();
    port = typeof address === 'object' && address ? address.port : 0;

    const broadcast: AnyBenchEventListener = (event, payload) => {
      if (wss.clients.size === 0) return;
      const frame = JSON.stringify({ type: 'event', event, payload });
      for (const ws of wss.clients) {
        if (ws.readyState !== ws.OPEN) continue;
        if (ws.bufferedAmount > maxBuffered) ws.close(CLOSE.tooSlow, 'too far behind on events; reconnect and catch up');
        else ws.send(frame);
      }
    };
    const unsubscribe = opts.service.events.onAny(broadcast);
    const server = new BridgeServer(http, wss, port, token, unsubscribe, setInterval(() => server.ping(), (opts.heartbeat_s ?? 30) * 1000));
    server.heartbeat.unref();
    wss.on('connection', (ws: WebSocket) => server.attach(ws, opts.service));
    return server;
  }

  /** Closes every client (going away) and the server. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      this.unsubscribe();
      for (const ws of this.wss.clients) ws.close(CLOSE.goingAway, 'server shutting down');
      // A client that does not answer the close (stuck, or not reading) must not hold the shutdown up.
      const deadline = Date.now() + 1000;
      while ([...this.wss.clients].some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const ws of this.wss.clients) ws.terminate();
      await new Promise<void>((r) => this.wss.close(() => r()));
      await new Promise<void>((r) => {
        this.http.close(() => r());
        this.http.closeAllConnections();
      });
    })();
    return this.closing;
  }

  private attach(ws: WebSocket, service: BenchApi): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    send(ws, { type: 'hello', protocol: BRIDGE_PROTOCOL, channels: [...BENCH_CHANNELS], events: [...BENCH_EVENTS] });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        send(ws, { type: 'protocol-error', error: { name: 'ApiPayloadError', message: 'binary frames are not part of the bridge protocol; send JSON text' } });
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(rawText(data));
      } catch {
        send(ws, { type: 'protocol-error', error: { name: 'ApiPayloadError', message: 'a frame that is not JSON; expected {"type":"call","id":N,"channel":"…","arg":…}' } });
        return;
      }
      const call = callMessageSchema.safeParse(raw);
      if (!call.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
        const error = { name: 'ApiPayloadError', message: `not a call: ${call.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ')}; expected {"type":"call","id":N,"channel":"…","arg":…}` };
        send(ws, id === null ? { type: 'protocol-error', error } : { type: 'result', id, ok: false, error });
        return;
      }
      const { id, channel, arg } = call.data;
      void dispatchCall(service, channel, arg).then((envelope) => send(ws, { type: 'result', id, ...envelope }));
    });
  }

  private ping(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }
}

/** The HTTP status line to refuse a handshake with, or null to accept it. */
function checkHandshake(req: IncomingMessage, port: number, token: string, extraOrigins: readonly string[]): string | null {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== BRIDGE_PATH) return '404 Not Found';
  if (!hostAllowed(req.headers.host, port)) return '421 Misdirected Request';
  if (!tokenMatches(token, url.searchParams.get('token'))) return '401 Unauthorized';
  if (!originAllowed(req.headers.origin, port, extraOrigins)) return '403 Forbidden';
  return null;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState !== ws.OPEN) return;
  let text: string;
  try {
    text = JSON.stringify(msg);
  } catch (err) {
    // A reply that cannot be JSON (a service bug): say so rather than leave the call hanging.
    if (msg.type !== 'result') return;
    text = JSON.stringify({ type: 'result', id: msg.id, ok: false, error: { name: 'Error', message: `reply could not be sent: ${(err as Error).message}` } });
  }
  ws.send(text);
}
