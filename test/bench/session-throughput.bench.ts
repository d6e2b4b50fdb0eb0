// Queries per second of session.query() over loopback TCP, against a bare net.Socket client doing the
// least possible (write, wait for '\n', repeat) on the same server, in interleaved rounds so drift in the
// machine's load hits both alike. The server runs in its own process. Goal: session ≥ 0.85 × bare.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openResource } from '../../drivers/open-resource.ts';
import type { ScpiSession } from '../../drivers/session/scpi-session.ts';

// Many short rounds: on a shared machine load comes in bursts, and a burst should hit both sides of a pair.
const ROUNDS = 20;
const QUERIES_PER_ROUND = 5_000; // 100,000 session queries in all
const WARMUP = 3_000;
const MEMORY_SAMPLE_EVERY = 1_000;
const QUERY = ':MEAS:POW?';
const REPLY = '+1.23400000E-03';
const GOAL = 0.85;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(root, 'bin/run-ts.js'), join(root, 'test/helpers/serve-test-instrument.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`test instrument server exited (code ${code}) before listening`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.stdin?.end();
  const force = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(force);
}

/** The baseline: one query at a time on a raw socket, callbacks only. */
function bareClient(port: number): Promise<{ run(n: number): Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => {
      const wire = Buffer.from(`${QUERY}\n`);
      let left = 0;
      let pending = '';
      let done: (() => void) | null = null;
      socket.on('data', (chunk: Buffer) => {
        pending += chunk.toString('latin1');
        const lf = pending.indexOf('\n');
        if (lf < 0) return;
        if (pending.slice(0, lf) !== REPLY) throw new Error(`bare client got ${JSON.stringify(pending)}`);
        pending = pending.slice(lf + 1);
        if (--left > 0) socket.write(wire);
        else done?.();
      });
      resolve({
        run: (n) => new Promise<number>((res) => {
          const t0 = performance.now();
          left = n;
          done = () => res(performance.now() - t0);
          socket.write(wire);
        }),
        close: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}

interface Peak {
  rss: number;
  heap: number;
}

async function sessionRun(s: ScpiSession, n: number, peak: Peak | null): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await s.query(QUERY);
    if (r !== REPLY) throw new Error(`session got ${JSON.stringify(r)}`);
    if (peak && i % MEMORY_SAMPLE_EVERY === 0) {
      const m = process.memoryUsage();
      if (m.rss > peak.rss) peak.rss = m.rss;
      if (m.heapUsed > peak.heap) peak.heap = m.heapUsed;
    }
  }
  return performance.now() - t0;
}

const qps = (n: number, ms: number): number => (n * 1000) / ms;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

export async function run(): Promise<void> {
  const { child, port } = await startServer();
  const bare = await bareClient(port);
  const session = await openResource(`TCPIP0::127.0.0.1::${port}::SOCKET`, { timeout_ms: 5000 });
  try {
    await bare.run(WARMUP);
    await sessionRun(session, WARMUP, null);
    const heapBefore = process.memoryUsage().heapUsed;
    const peak: Peak = { rss: 0, heap: 0 };
    const bareQps: number[] = [];
    const sessionQps: number[] = [];
    let bareMs = 0;
    let sessionMs = 0;
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so a trend in machine load does not favour either.
      const order = r % 2 === 0 ? ['bare', 'session'] : ['session', 'bare'];
      for (const who of order) {
        if (who === 'bare') {
          const ms = await bare.run(QUERIES_PER_ROUND);
          bareMs += ms;
          bareQps.push(qps(QUERIES_PER_ROUND, ms));
        } else {
          const ms = await sessionRun(session, QUERIES_PER_ROUND, peak);
          sessionMs += ms;
          sessionQps.push(qps(QUERIES_PER_ROUND, ms));
        }
      }
    }
    const total = ROUNDS * QUERIES_PER_ROUND;
    const bareAll = qps(total, bareMs);
    const sessionAll = qps(total, sessionMs);
    const ratio = sessionAll / bareAll;
    // Each round's session figure against the bare figure measured right next to it.
    const pairRatio = median(sessionQps.map((q, i) => q / (bareQps[i] ?? NaN)));
    const line = (label: string, value: string): void => {
      process.stdout.write(`${label.padEnd(44)}${value}\n`);
    };
    line('query', `'${QUERY}' → '${REPLY}' over loopback TCP, server in its own process`);
    line('rounds', `${ROUNDS} × ${QUERIES_PER_ROUND} queries each, interleaved`);
    const range = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    line('bare net.Socket client', `${bareAll.toFixed(0)} queries/s overall, median round ${median(bareQps).toFixed(0)} (rounds ${range(bareQps)})`);
    line('session.query()', `${sessionAll.toFixed(0)} queries/s overall, median round ${median(sessionQps).toFixed(0)} (rounds ${range(sessionQps)})`);
    line('ratio session / bare', `${pairRatio.toFixed(3)} median of paired rounds, ${ratio.toFixed(3)} overall (goal ≥ ${GOAL}): ${pairRatio >= GOAL ? 'met' : 'NOT met'}`);
    line('mean time per query', `bare ${(bareMs * 1000 / total).toFixed(1)} µs, session ${(sessionMs * 1000 / total).toFixed(1)} µs`);
    line(`peak memory over ${total} session queries`, `RSS ${mib(peak.rss)}, heap used ${mib(peak.heap)} (heap before ${mib(heapBefore)})`);
    line('process peak RSS (maxRSS)', mib(process.resourceUsage().maxRSS * 1024));
  } finally {
    bare.close();
    await session.close();
    await stopServer(child);
  }
}
