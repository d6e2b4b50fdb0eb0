// A TCP proxy between the drivers and an instrument (the simulator's TCP port) that misbehaves on demand,
// over real sockets: stall for N seconds (nothing moves either way, then everything held is delivered, as
// a stalled network or a frozen box does), drop every connection (a pulled cable), delay and jitter each
// chunk, split replies at any byte (or at random bytes), corrupt bytes of replies. Order is always kept,
// as TCP keeps it. It also records the commands it forwarded, per line: what the instrument was asked.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FaultProxyOptions {
  /** Random source for jitter, split points and corruption (default Math.random; tests pass a seeded one). */
  random?: () => number;
}

type Direction = 'up' | 'down';

/** One direction of one connection: chunks pass one at a time, through whatever faults are set. */
class Pipe {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly proxy: FaultProxy, private readonly dir: Direction, private readonly to: Socket) {}

  push(chunk: Buffer): void {
    this.chain = this.chain.then(() => this.deliver(chunk)).catch(() => undefined);
  }

  private async deliver(chunk: Buffer): Promise<void> {
    const p = this.proxy;
    await p.stallGate();
    const wait_ms = p.delay_ms + (p.jitter_ms > 0 ? p.random() * p.jitter_ms : 0);
    if (wait_ms > 0) await sleep(wait_ms);
    await p.stallGate();
    let data = chunk;
    if (this.dir === 'down' && p.corruptLeft > 0) {
      p.corruptLeft--;
      data = p.corrupt(data);
    }
    const pieces = this.dir === 'down' ? p.splitPoints(data.length) : [];
    let from = 0;
    for (const at of [...pieces, data.length]) {
      if (this.to.destroyed) return;
      this.to.write(data.subarray(from, at));
      from = at;
      // A pause between the pieces, so the far side really reads them apart.
      if (at < data.length) await sleep(1);
    }
  }
}

export class FaultProxy {
  /** Milliseconds added to every chunk, each way; plus up to `jitter_ms` at random. */
  delay_ms = 0;
  jitter_ms = 0;
  /** Replies are cut at these byte offsets of each chunk (null: not split); 'random': one to three random cuts. */
  split: number[] | 'random' | null = null;
  /** How many more reply chunks get one byte corrupted. */
  corruptLeft = 0;
  readonly random: () => number;
  /** Every line the clients sent (terminator stripped), in order. */
  readonly asked: string[] = [];
  /** Called with each line the clients send, before it is forwarded (a stall set here holds that line too). */
  onLine: ((line: string) => void) | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private stalledUntil = 0;
  private stallTimer: Promise<void> = Promise.resolve();
  private upLine = '';
  private connections = 0;

  private constructor(private readonly upstream: { host: string; port: number }, opts: FaultProxyOptions) {
    this.random = opts.random ?? Math.random;
  }

  /** Listens on 127.0.0.1 (ephemeral port) and forwards to `resource` (a `TCPIP0::host::port::SOCKET`). */
  static async start(resource: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
    const m = /^TCPIP\d*::([^:]+)::(\d+)::SOCKET$/.exec(resource);
    if (!m) throw new Error(`fault proxy: expected a TCPIP…::SOCKET resource, got '${resource}'`);
    const proxy = new FaultProxy({ host: m[1] ?? '127.0.0.1', port: Number(m[2]) }, opts);
    await proxy.listen();
    return proxy;
  }

  /** The resource that reaches the instrument through the proxy. */
  get resource(): string {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('fault proxy: not listening');
    return `TCPIP0::127.0.0.1::${addr.port}::SOCKET`;
  }

  /** Connections accepted so far (a reconnect shows up here). */
  get accepted(): number {
    return this.connections;
  }

  /** Nothing passes either way for `seconds`; what arrives meanwhile is held and delivered after, in order. */
  stall(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    if (until <= this.stalledUntil) return;
    this.stalledUntil = until;
    this.stallTimer = sleep(seconds * 1000);
  }

  get stalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  /** Closes every connection now (both sides); new connections are accepted. Returns how many were open. */
  drop(): number {
    const open = this.sockets.size / 2;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return open;
  }

  /** Ends every fault (a stall under way still runs out). */
  clear(): void {
    this.delay_ms = 0;
    this.jitter_ms = 0;
    this.split = null;
    this.corruptLeft = 0;
  }

  async close(): Promise<void> {
    this.drop();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once no stall is in force. */
  async stallGate(): Promise<void> {
    while (Date.now() < this.stalledUntil) {
      await this.stallTimer;
      if (Date.now() < this.stalledUntil) await sleep(Math.max(1, this.stalledUntil - Date.now()));
    }
  }

  /** Where to cut a chunk of `length` bytes. */
  splitPoints(length: number): number[] {
    if (this.split === null || length < 2) return [];
    if (this.split === 'random') {
      const cuts = new Set<number>();
      const n = 1 + Math.floor(this.random() * 3);
      for (let i = 0; i < n; i++) cuts.add(1 + Math.floor(this.random() * (length - 1)));
      return [...cuts].sort((a, b) => a - b);
    }
    return this.split.filter((at) => at > 0 && at < length).sort((a, b) => a - b);
  }

  /** One byte other than a line feed replaced by a different printable one: garbage, still terminated. */
  corrupt(data: Buffer): Buffer {
    const out = Buffer.from(data);
    const candidates = [...out.keys()].filter((i) => out[i] !== 0x0a && out[i] !== 0x0d);
    if (candidates.length === 0) return out;
    const i = candidates[Math.floor(this.random() * candidates.length)] ?? 0;
    const was = out[i] ?? 0;
    let b = 0x21 + Math.floor(this.random() * 94);
    if (b === was) b = b === 0x7e ? 0x21 : b + 1;
    out[i] = b;
    return out;
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  private accept(client: Socket): void {
    this.connections++;
    const upstream = createConnection(this.upstream);
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const up = new Pipe(this, 'up', upstream);
    const down = new Pipe(this, 'down', client);
    client.on('data', (d: Buffer) => {
      this.record(d);
      up.push(d);
    });
    upstream.on('data', (d: Buffer) => down.push(d));
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }

  private record(d: Buffer): void {
    const lines = (this.upLine + d.toString('latin1')).split(/\r?\n|\r/);
    this.upLine = lines.pop() ?? '';
    for (const l of lines) {
      if (l === '') continue;
      this.asked.push(l);
      this.onLine?.(l);
    }
    // Bounded: an overnight soak must not grow without end.
    if (this.asked.length > 200_000) this.asked.splice(0, this.asked.length - 100_000);
  }
}
