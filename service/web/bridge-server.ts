// Browser mode: one HTTP(S) server that serves the login page, the built UI and, at /bridge, the WebSocket
// bridge exposing BenchApi. On 127.0.0.1 by default; any other address only with TLS. Every request needs a
// Host naming us; the bridge needs our Origin (from browsers) and a caller (session cookie or Bearer token,
// bridge-auth.ts). Each call is checked against the caller's role (access/roles.ts) and the client's caps,
// validated by dispatchCall, and, when it controls the bench, written to the audit log. Every service event
// is broadcast to every connected client.
import { watchFile, unwatchFile } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AuditLog, type AuditSink } from '../access/audit-log.ts';
import { ClientLimits, TooManyCallsError, type ClientLimitOptions } from '../access/client-limits.ts';
import { isControlCall, roleAllows, RoleRefusedError } from '../access/roles.ts';
import { SessionTable, type Principal } from '../access/sessions.ts';
import type { TokenStore } from '../access/token-store.ts';
import { BENCH_CHANNELS, BENCH_EVENTS, type BenchApi } from '../bench-api.ts';
import { BRIDGE_PATH, BRIDGE_PROTOCOL, CLOSE, MAX_FRAME_BYTES, type ServerMessage } from '../bridge-protocol.ts';
import { dispatchCall, type CallEnvelope } from '../dispatch.ts';
import { errorInfo } from '../errors.ts';
import type { AnyBenchEventListener } from '../event-hub.ts';
import { authenticate, isLive, LAUNCH, verifyToken, type AuthSources, type Caller } from './bridge-auth.ts';
import { callMessageSchema } from './call-message.ts';
import { hostAllowed, hostPort, isLoopback, newToken, originAllowed, type ServerIdentity } from './guard.ts';
import { handleLogin, LOGIN_PATH } from './login-routes.ts';
import { InsecureBindError, serverNames } from './server-names.ts';
import { securityHeaders, serveStatic } from './static-files.ts';
import type { FleetWatch } from '../fleet/fleet-watch.ts';
import { sendFleet } from '../fleet/fleet-page.ts';

export interface BridgeTarget extends BenchApi {
  events: { onAny(listener: AnyBenchEventListener): () => void };
}

export interface BridgeServerOptions {
  service: BridgeTarget;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The address to listen on; default 127.0.0.1. Anything but a loopback address needs `tls`. */
  host?: string;
  /** The certificate and key (PEM) to serve HTTPS and WSS with. */
  tls?: { cert: string; key: string } | null;
  /** More names the server answers as (this machine's DNS names); the listen address is always one. */
  names?: readonly string[];
  /** The launch token (operator), for non-browser clients as `Authorization: Bearer`; default a fresh one. */
  token?: string;
  /** Named tokens (benchctl token); null: only the launch login code and token. */
  tokens?: TokenStore | null;
  /** Where control actions are recorded (JSON lines); null: nowhere. */
  auditFile?: string | null;
  /** Where else each audited action goes once it is in the file (the run index). */
  auditSinks?: AuditSink[];
  limits?: ClientLimitOptions;
  /** The lab's benches (benchctl serve --lab): shown at /fleet and /fleet.json. */
  fleet?: FleetWatch | null;
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

interface Connection {
  caller: Caller;
  peer: string;
}

export class BridgeServer {
  readonly port: number;
  /** The launch token: an operator's Bearer credential for scripts. Never printed, never in a URL. */
  readonly token: string;
  readonly identity: ServerIdentity;
  readonly sessions = new SessionTable();
  private readonly host: string;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly conns = new Map<WebSocket, Connection>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly limits: ClientLimits;
  private readonly audit: AuditLog | null;
  private readonly auth: AuthSources;
  private readonly tokens: TokenStore | null;
  private readonly firstCode: string;
  private readonly staticDir: string | null;
  private readonly notBuiltHint: string;
  private readonly fleet: FleetWatch | null;
  private readonly cleanups: (() => void)[] = [];
  private closing: Promise<void> | null = null;

  private constructor(http: Server, opts: BridgeServerOptions, host: string, identity: ServerIdentity, token: string) {
    this.http = http;
    this.host = host;
    this.identity = identity;
    this.port = identity.port;
    this.token = token;
    this.tokens = opts.tokens ?? null;
    this.limits = new ClientLimits(opts.limits);
    this.audit = opts.auditFile ? new AuditLog(opts.auditFile, opts.auditSinks ?? []) : null;
    this.auth = { port: this.port, sessions: this.sessions, launchToken: token, tokens: this.tokens };
    this.firstCode = this.sessions.newCode(LAUNCH);
    this.staticDir = opts.staticDir ?? null;
    this.notBuiltHint = opts.notBuiltHint ?? 'Build it with: npm run build:renderer';
    this.fleet = opts.fleet ?? null;
  }

  /** The URL to open once: the UI's login with a one-time code (an operator's), exchanged for a cookie. */
  get url(): string {
    return this.loginUrl(this.firstCode);
  }

  /** Another one-time login URL, for `who` (default: an operator). */
  newLoginUrl(who: Principal = LAUNCH): string {
    return this.loginUrl(this.sessions.newCode(who));
  }

  get origin(): string {
    return `${this.identity.tls ? 'https' : 'http'}://${hostPort(this.urlHost, this.port)}`;
  }

  get bridgeUrl(): string {
    return `${this.identity.tls ? 'wss' : 'ws'}://${hostPort(this.urlHost, this.port)}${BRIDGE_PATH}`;
  }

  /** Where it listens. */
  address(): { host: string; port: number } {
    const a = this.http.address();
    return typeof a === 'object' && a ? { host: a.address, port: a.port } : { host: this.host, port: this.port };
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  private get urlHost(): string {
    return this.host === '0.0.0.0' || this.host === '::' ? (this.identity.names.find((n) => !isLoopback(n)) ?? '127.0.0.1') : this.host;
  }

  private loginUrl(code: string): string {
    return `${this.origin}${LOGIN_PATH}?code=${encodeURIComponent(code)}`;
  }

  static async start(opts: BridgeServerOptions): Promise<BridgeServer> {
    const host = opts.host ?? '127.0.0.1';
    if (!opts.tls && !isLoopback(host)) throw new InsecureBindError(host);
    let server: BridgeServer | null = null;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      if (!server) return void res.writeHead(503).end();
      void server.onRequest(req, res);
    };
    const http: Server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) as unknown as Server : createServer(handler);
    // A client that opens sockets and never finishes a request must not hold them for long.
    http.headersTimeout = 10_000;
    http.requestTimeout = 30_000;
    await new Promise<void>((resolveListen, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, host, () => {
        http.off('error', reject);
        resolveListen();
      });
    });
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const identity: ServerIdentity = { names: serverNames(host, opts.names ?? []), port, tls: Boolean(opts.tls) };
    server = new BridgeServer(http, opts, host, identity, opts.token ?? newToken());
    server.wire(opts);
    return server;
  }

  private wire(opts: BridgeServerOptions): void {
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.onUpgrade(req, socket, head, opts.extraOrigins ?? []));
    const maxBuffered = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.cleanups.push(opts.service.events.onAny((event, payload) => {
      if (this.wss.clients.size === 0) return;
      const frame = JSON.stringify({ type: 'event', event, payload });
      for (const ws of this.wss.clients) {
        if (ws.readyState !== ws.OPEN) continue;
        if (ws.bufferedAmount > maxBuffered) ws.close(CLOSE.tooSlow, 'too far behind on events; reconnect and catch up');
        else ws.send(frame);
      }
    }));
    const heartbeat = setInterval(() => this.ping(), (opts.heartbeat_s ?? 30) * 1000);
    heartbeat.unref();
    this.cleanups.push(() => clearInterval(heartbeat));
    if (this.tokens) {
      // `benchctl token revoke` in another shell rewrites the file: end that token's sessions and connections.
      const file = this.tokens.file;
      const onChange = (): void => this.dropRevoked();
      watchFile(file, { interval: 250, persistent: false }, onChange);
      this.cleanups.push(() => unwatchFile(file, onChange));
    }
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage, caller: Caller) => this.attach(ws, req, caller, opts.service));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, this.identity)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`this server answers only as ${this.identity.names.map((n) => hostPort(n, this.port)).join(', ')}\n`);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === LOGIN_PATH) {
      await handleLogin(req, res, { identity: this.identity, sessions: this.sessions, verifyToken: (t) => verifyToken(this.auth, t) });
      return;
    }
    if (!(await authenticate(req, this.auth))) {
      // Not logged in: a page load goes to the login form; anything else is refused.
      if ((req.headers.accept ?? '').includes('text/html')) res.writeHead(303, { Location: LOGIN_PATH, 'Cache-Control': 'no-store' }).end();
      else res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`log in first: ${LOGIN_PATH}\n`);
      return;
    }
    if (this.fleet && (path === '/fleet' || path === '/fleet.json')) {
      sendFleet(res, path, this.fleet.benches, this.fleet.error, securityHeaders(this.identity));
      return;
    }
    await serveStatic(req, res, { root: this.staticDir, identity: this.identity, notBuiltHint: this.notBuiltHint });
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, extraOrigins: readonly string[]): Promise<void> {
    const refuse = (status: string, why: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== BRIDGE_PATH) return refuse('404 Not Found', 'not found');
    if (!hostAllowed(req.headers.host, this.identity)) return refuse('421 Misdirected Request', 'wrong Host');
    if (!originAllowed(req.headers.origin, this.identity, extraOrigins)) return refuse('403 Forbidden', 'foreign Origin');
    const caller = await authenticate(req, this.auth);
    if (!caller) return refuse('401 Unauthorized', `log in first (${LOGIN_PATH}) or send Authorization: Bearer <token>`);
    if (!this.limits.connect(caller.client)) return refuse('429 Too Many Requests', `${caller.name} has ${this.limits.maxConnections} connections open already`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req, caller));
  }

  /** Closes every client (going away) and the server. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const c of this.cleanups.splice(0)) c();
      for (const ws of this.wss.clients) ws.close(CLOSE.goingAway, 'server shutting down');
      // A client that does not answer the close (stuck, or not reading) must not hold the shutdown up.
      const deadline = Date.now() + 1000;
      while ([...this.wss.clients].some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const ws of this.wss.clients) ws.terminate();
      await new Promise<void>((r) => this.wss.close(() => r()));
      await this.audit?.flush();
      await new Promise<void>((r) => {
        this.http.close(() => r());
        this.http.closeAllConnections();
      });
    })();
    return this.closing;
  }

  /** Ends the sessions and connections of tokens no longer in the token file. */
  private dropRevoked(): void {
    this.sessions.endTokenSessions((id) => isLive(this.auth, id));
    for (const [ws, c] of this.conns) {
      if (c.caller.tokenId !== null && !isLive(this.auth, c.caller.tokenId)) ws.close(CLOSE.revoked, `token ${c.caller.name} was revoked`);
    }
  }

  private attach(ws: WebSocket, req: IncomingMessage, caller: Caller, service: BenchApi): void {
    const conn: Connection = { caller, peer: req.socket.remoteAddress ?? '?' };
    this.conns.set(ws, conn);
    this.alive.set(ws, true);
    ws.on('close', () => {
      this.conns.delete(ws);
      this.limits.disconnect(caller.client);
    });
    ws.on('pong', () => this.alive.set(ws, true));
    send(ws, { type: 'hello', protocol: BRIDGE_PROTOCOL, channels: [...BENCH_CHANNELS], events: [...BENCH_EVENTS], who: { name: caller.name, role: caller.role } });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(ws, conn, service, data, isBinary));
  }

  private onFrame(ws: WebSocket, conn: Connection, service: BenchApi, data: RawData, isBinary: boolean): void {
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
    const { caller } = conn;
    if (caller.tokenId !== null && !isLive(this.auth, caller.tokenId)) {
      send(ws, { type: 'result', id, ok: false, error: { name: 'TokenRevokedError', message: `${channel}: refused: token ${caller.name} was revoked` } });
      ws.close(CLOSE.revoked, `token ${caller.name} was revoked`);
      return;
    }
    const known = (BENCH_CHANNELS as readonly string[]).includes(channel);
    if (known && !roleAllows(caller.role, channel)) {
      const envelope: CallEnvelope = { ok: false, error: errorInfo(new RoleRefusedError(channel, caller.name, caller.role)) };
      send(ws, { type: 'result', id, ...envelope });
      this.record(conn, channel, arg, envelope, 'refused');
      return;
    }
    if (!this.limits.beginCall(caller.client)) {
      send(ws, { type: 'result', id, ok: false, error: errorInfo(new TooManyCallsError(`${channel}: refused: ${caller.name} has ${this.limits.maxCallsInFlight} calls in flight already; wait for their replies`)) });
      return;
    }
    void dispatchCall(service, channel, arg).then((envelope) => {
      this.limits.endCall(caller.client);
      send(ws, { type: 'result', id, ...envelope });
      if (known && isControlCall(channel)) this.record(conn, channel, arg, envelope, envelope.ok ? 'ok' : 'error');
    });
  }

  private record(conn: Connection, call: string, arg: unknown, envelope: CallEnvelope, result: 'ok' | 'error' | 'refused'): void {
    void this.audit?.write({
      time: new Date().toISOString(), who: conn.caller.name, role: conn.caller.role, via: `bridge ${conn.peer}`, call, arg: arg ?? null, result,
      ...(envelope.ok ? {} : { error: { name: envelope.error.name, message: envelope.error.message } }),
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
