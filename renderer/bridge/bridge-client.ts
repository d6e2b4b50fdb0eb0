// BenchBridge over the WebSocket of `benchctl serve`: every BenchApi call as a request with an id and a
// timeout, pushed events to `on()` listeners, and reconnection with backoff. After a reconnect it catches
// up on the run events it missed (runEvents from the last index it saw) and re-reads the bench and run
// state, so a UI left open overnight shows the whole run. No DOM or Node globals: the socket comes from a
// factory (the browser's WebSocket in client.ts, the `ws` package in tests).
import {
  BENCH_CHANNELS, type BenchApi, type BenchBridge, type BenchChannel, type BenchEventListener, type BenchEventName,
  type BenchEvents, type BenchReply, type BenchRequest, type RunEvent,
} from '../../service/bench-api.ts';
import { CLOSE, parseServerMessage, type ServerMessage } from '../../service/bridge-protocol.ts';

/** The part of a WebSocket this client uses (the browser's and the `ws` package's both fit). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface BridgeClientOptions {
  /** ws://127.0.0.1:PORT/bridge (the browser sends the session cookie; tests send a Bearer header) */
  url: string;
  createSocket: (url: string) => SocketLike;
  /** Per call; default 30 s, longer for the calls that move things or open benches. */
  timeout_ms?: number;
  /** First reconnect delay (doubles up to 5 s); default 250 ms. */
  reconnectDelay_ms?: number;
  /** Give up connecting the first time after this long; default 10 s. */
  connectTimeout_ms?: number;
}

/** A call the service refused or that could not be made; `name` is the service's error class. */
export class BenchCallError extends Error {
  readonly channel: string;

  constructor(channel: string, name: string, message: string) {
    super(message);
    this.name = name;
    this.channel = channel;
  }
}

const OPEN = 1;
const SLOW_CALLS: Partial<Record<BenchChannel, number>> = {
  openBench: 120_000, closeBench: 60_000, makeSafe: 60_000, jogStage: 180_000, moveStage: 180_000, startRun: 60_000, openRun: 120_000,
  // With a run id it may open the bench the run started on first.
  resumeRun: 120_000,
};

interface Pending {
  channel: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class BridgeClient {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Calls made while (re)connecting: sent once open, or timed out meanwhile. */
  private readonly queued: { id: number; frame: string }[] = [];
  private readonly listeners = new Map<BenchEventName, Set<(payload: never) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState, detail: string | null) => void>();
  private stateValue: ConnectionState = 'connecting';
  private closedByUser = false;
  private everOpened = false;
  private delay_ms: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** The run whose events were seen, and the index of the next one expected. */
  private runId: string | null = null;
  private nextRunIndex = 0;
  private readonly opts: BridgeClientOptions;

  constructor(opts: BridgeClientOptions) {
    this.opts = opts;
    this.delay_ms = opts.reconnectDelay_ms ?? 250;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Opens the socket and waits for the server's hello; rejects if that does not happen in time. */
  connect(): Promise<void> {
    return new Promise((resolveOpen, reject) => {
      const limit = setTimeout(() => {
        off();
        reject(new Error(`cannot connect to the bench bridge at ${redact(this.opts.url)} within ${(this.opts.connectTimeout_ms ?? 10_000) / 1000} s: ` +
          'is `benchctl serve` running, and are you logged in (open the one-time URL it printed, or log in at /login with a token)?'));
      }, this.opts.connectTimeout_ms ?? 10_000);
      const off = this.onConnection((state) => {
        if (state !== 'open') return;
        clearTimeout(limit);
        off();
        resolveOpen();
      });
      this.open();
    });
  }

  /** Calls one channel. */
  call<C extends BenchChannel>(channel: C, arg?: BenchRequest<C>): Promise<BenchReply<C>> {
    if (this.closedByUser) return Promise.reject(new BenchCallError(channel, 'BridgeClosedError', `${channel}: the bench bridge is closed`));
    const id = this.nextId++;
    const frame = JSON.stringify(arg === undefined ? { type: 'call', id, channel } : { type: 'call', id, channel, arg });
    const timeout_ms = this.opts.timeout_ms ?? SLOW_CALLS[channel] ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const q = this.queued.findIndex((x) => x.id === id);
        if (q >= 0) this.queued.splice(q, 1);
        reject(new BenchCallError(channel, 'BridgeTimeoutError', `${channel}: no reply from the bench service within ${timeout_ms / 1000} s` +
          (this.stateValue === 'open' ? '' : ' (the bridge is not connected)')));
      }, timeout_ms);
      this.pending.set(id, { channel, resolve: resolve as (v: unknown) => void, reject, timer });
      if (this.socket?.readyState === OPEN && this.stateValue === 'open') this.socket.send(frame);
      else this.queued.push({ id, frame });
    });
  }

  on<E extends BenchEventName>(event: E, listener: BenchEventListener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => void set.delete(l);
  }

  /** Connection changes ('reconnecting' with why); returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState, detail: string | null) => void): () => void {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }

  /** The `window.bench` object: one function per channel, plus on(). */
  bridge(): BenchBridge {
    const api = Object.fromEntries(BENCH_CHANNELS.map((c) => [c, (arg?: unknown) => this.call(c, arg as never)])) as unknown as BenchApi;
    return Object.freeze({ ...api, on: this.on.bind(this) }) as BenchBridge;
  }

  close(): void {
    this.closedByUser = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'client closed');
    this.failAll('the bench bridge was closed');
    this.setState('closed', null);
  }

  private open(): void {
    const socket = this.opts.createSocket(this.opts.url);
    this.socket = socket;
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      const msg = parseServerMessage(ev.data);
      if (msg) this.handle(msg);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closedByUser) return;
      if (ev.code === CLOSE.revoked) {
        // Reconnecting with a revoked token would only be refused again.
        this.closedByUser = true;
        this.failAll(`the bench bridge was closed: ${ev.reason || 'the access token was revoked'}`);
        this.setState('closed', ev.reason || 'the access token was revoked');
        return;
      }
      const why = ev.code === 1006 && !this.everOpened
        ? 'the server refused or could not be reached (not logged in, or the session ended when serve restarted: log in again at /login)'
        : `connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`;
      this.failSent(`the bench bridge lost its connection: ${why}`);
      this.setState('reconnecting', why);
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.open();
      }, this.delay_ms);
      this.delay_ms = Math.min(this.delay_ms * 2, 5000);
    };
    socket.onerror = () => undefined;
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello': {
        const reconnected = this.everOpened;
        this.everOpened = true;
        this.delay_ms = this.opts.reconnectDelay_ms ?? 250;
        this.setState('open', null);
        for (const q of this.queued.splice(0)) this.socket?.send(q.frame);
        if (reconnected) void this.catchUp();
        return;
      }
      case 'result': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new BenchCallError(p.channel, msg.error.name, msg.error.message));
        return;
      }
      case 'event':
        if (msg.event === 'run') this.onRunEvent(msg.payload);
        else this.emit(msg.event, msg.payload as BenchEvents[typeof msg.event]);
        return;
      case 'protocol-error':
        return;
    }
  }

  /** Run events in order, each once: a catch-up and the live stream may overlap. */
  private onRunEvent(payload: { index: number; event: RunEvent }): void {
    const { index, event } = payload;
    if (event.runId !== this.runId) {
      this.runId = event.runId;
      this.nextRunIndex = 0;
    }
    if (index < this.nextRunIndex) return;
    this.nextRunIndex = index + 1;
    this.emit('run', payload);
  }

  private async catchUp(): Promise<void> {
    try {
      const missed = await this.call('runEvents', { since: this.nextRunIndex });
      if (missed.runId !== null && missed.runId !== this.runId) {
        // A new run began while we were away: its events from the start.
        const all = await this.call('runEvents', { since: 0 });
        all.events.forEach((event, i) => this.onRunEvent({ index: all.next - all.events.length + i, event }));
      } else {
        missed.events.forEach((event, i) => this.onRunEvent({ index: missed.next - missed.events.length + i, event }));
      }
      this.emit('bench', await this.call('benchStatus'));
      this.emit('runState', await this.call('runState'));
    } catch {
      // The next reconnect tries again; live events flow meanwhile.
    }
  }

  private emit<E extends BenchEventName>(event: E, payload: BenchEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        (l as BenchEventListener<E>)(payload);
      } catch (err) {
        // One broken listener must not starve the others; surface it where developers look.
        setTimeout(() => {
          throw err;
        });
      }
    }
  }

  private setState(state: ConnectionState, detail: string | null): void {
    this.stateValue = state;
    for (const l of this.stateListeners) l(state, detail);
  }

  /** Calls already sent get no reply on a dead socket: fail them (the caller may retry); queued ones wait. */
  private failSent(message: string): void {
    const queuedIds = new Set(this.queued.map((q) => q.id));
    for (const [id, p] of this.pending) {
      if (queuedIds.has(id)) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new BenchCallError(p.channel, 'BridgeDisconnectedError', `${p.channel}: ${message}; the call may or may not have been carried out`));
    }
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new BenchCallError(p.channel, 'BridgeClosedError', `${p.channel}: ${message}`));
    }
    this.pending.clear();
    this.queued.length = 0;
  }
}

/** The URL without its token, for messages. */
function redact(url: string): string {
  return url.replace(/token=[^&]*/, 'token=…');
}
