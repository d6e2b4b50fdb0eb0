// The browser-mode server over real sockets: bound to 127.0.0.1, the handshake's caller/Host/Origin checks,
// calls and their errors, pushed events, the static UI with its security headers, and the browser client
// (BridgeClient over the `ws` package) with timeouts, reconnect and run catch-up.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient, type SocketLike } from '../../../renderer/bridge/bridge-client.ts';
import type { BenchEvents, RunEvent } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import { BenchEventHub } from '../../../service/event-hub.ts';
import { BridgeServer, type BridgeTarget } from '../../../service/web/bridge-server.ts';

let dir: string;
let service: BenchService;
let server: BridgeServer;
const sockets: WebSocket[] = [];
const clients: BridgeClient[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g1-bridge-'));
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), monitor: { enabled: false } });
  server = await BridgeServer.start({ service, port: 0, staticDir: null });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.terminate();
  await server.close();
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** The handshake's outcome: 'open' with the first frame, or the HTTP status it was refused with. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<{ status: number | 'open'; first?: unknown; ws: WebSocket }> {
  const ws = new WebSocket(url, { headers });
  sockets.push(ws);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.once('message', (data) => resolve({ status: 'open', first: JSON.parse(String(data)), ws }));
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

function frames(ws: WebSocket): { next(pred?: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> } {
  const seen: Record<string, unknown>[] = [];
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    const w = waiters.findIndex((x) => x.pred(m));
    if (w >= 0) waiters.splice(w, 1)[0]?.resolve(m);
    else seen.push(m);
  });
  return {
    next(pred = () => true) {
      const i = seen.findIndex(pred);
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0] as Record<string, unknown>);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

function httpGet(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const own = () => `http://127.0.0.1:${server.port}`;
const bridgeUrl = () => `ws://127.0.0.1:${server.port}/bridge`;
/** The Authorization header of a non-browser client. */
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const bearerSocket = (token: string) => (u: string) => new WebSocket(u, { headers: bearer(token) }) as unknown as SocketLike;

describe('the bridge handshake', () => {
  it('listens on 127.0.0.1 only, and prints a one-time login URL, never the token', () => {
    expect(server.address()).toEqual({ host: '127.0.0.1', port: server.port });
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/login\\?code=[\\w-]{32}$`));
    expect(server.url).not.toContain(server.token);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a connection without credentials, with a wrong token, or with the token in the URL, with 401', async () => {
    expect((await handshake(bridgeUrl(), { Origin: own() })).status).toBe(401);
    expect((await handshake(bridgeUrl(), { Origin: own(), ...bearer('x'.repeat(server.token.length)) })).status).toBe(401);
    expect((await handshake(bridgeUrl(), { Origin: own(), ...bearer(`${server.token}x`) })).status).toBe(401);
    // The old way, a token in the query string, is no longer taken: it stayed in histories and logs.
    expect((await handshake(`${bridgeUrl()}?token=${server.token}`, { Origin: own() })).status).toBe(401);
    expect(server.clientCount).toBe(0);
  });

  it('refuses a foreign Origin with 403 even with the token, and a foreign Host with 421', async () => {
    expect((await handshake(bridgeUrl(), { Origin: 'http://evil.example', ...bearer(server.token) })).status).toBe(403);
    expect((await handshake(bridgeUrl(), { Origin: `http://127.0.0.1:${server.port + 1}`, ...bearer(server.token) })).status).toBe(403);
    expect((await handshake(bridgeUrl(), { Host: `evil.example:${server.port}`, ...bearer(server.token) })).status).toBe(421);
  });

  it('accepts the token from our own origin (and from a non-browser client without Origin) and says hello', async () => {
    const a = await handshake(bridgeUrl(), { Origin: own(), ...bearer(server.token) });
    expect(a.status).toBe('open');
    expect(a.first).toMatchObject({
      type: 'hello', protocol: 1, channels: expect.arrayContaining(['openBench', 'setLaser']), events: ['run', 'runState', 'monitor', 'bench', 'stage', 'laser'],
      who: { name: 'launch', role: 'operator' },
    });
    expect((await handshake(bridgeUrl(), bearer(server.token))).status).toBe('open');
    expect((await handshake(`ws://localhost:${server.port}/bridge`, { Origin: `http://localhost:${server.port}`, ...bearer(server.token) })).status).toBe('open');
  });
});

describe('calls and events over the bridge', () => {
  it('answers calls by id, pushes events, and answers bad payloads with an error naming channel and field', async () => {
    const { ws } = await handshake(bridgeUrl(), { Origin: own(), ...bearer(server.token) });
    const f = frames(ws);
    ws.send(JSON.stringify({ type: 'call', id: 7, channel: 'openBench', arg: { kind: 'sim', seed: 2 } }));
    const benchEvent = await f.next((m) => m['type'] === 'event' && m['event'] === 'bench');
    expect((benchEvent['payload'] as { open: boolean }).open).toBe(true);
    const opened = await f.next((m) => m['id'] === 7);
    expect(opened).toMatchObject({ type: 'result', id: 7, ok: true, value: { open: true, source: { kind: 'sim', seed: 2 } } });

    ws.send(JSON.stringify({ type: 'call', id: 8, channel: 'setLaser', arg: { wavelength_nm: 'red' } }));
    expect(await f.next((m) => m['id'] === 8)).toMatchObject({
      ok: false, error: { name: 'ApiPayloadError', message: expect.stringMatching(/'setLaser'.*wavelength_nm.*expected number/) },
    });
    ws.send(JSON.stringify({ type: 'call', id: 9, channel: 'setLaser', arg: { wavelength_nm: 1550, colour: 'red' } }));
    expect(await f.next((m) => m['id'] === 9)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/colour/) } });
    ws.send(JSON.stringify({ type: 'call', id: 10, channel: 'rm -rf', arg: {} }));
    expect(await f.next((m) => m['id'] === 10)).toMatchObject({ ok: false, error: { name: 'ApiPayloadError', message: expect.stringMatching(/unknown channel "rm -rf"/) } });
    ws.send(JSON.stringify({ type: 'call', id: 11, channel: 'exportRunCsv', arg: { runId: '../..', file: 'x.csv' } }));
    expect(await f.next((m) => m['id'] === 11)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/runId/) } });
    ws.send(JSON.stringify({ type: 'call', id: 12, channel: 'jogStage', arg: { axis: 'Z', delta_um: -1e6 } }));
    expect(await f.next((m) => m['id'] === 12)).toMatchObject({ ok: false, error: { name: 'SoftLimitError' } });
    // 1e400 parses to Infinity: refused as not a finite number.
    ws.send('{"type":"call","id":13,"channel":"setLaser","arg":{"wavelength_nm":1e400}}');
    expect(await f.next((m) => m['id'] === 13)).toMatchObject({ ok: false, error: { name: 'ApiPayloadError' } });

    ws.send('not json');
    expect(await f.next((m) => m['type'] === 'protocol-error')).toMatchObject({ error: { message: expect.stringMatching(/not JSON/) } });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await f.next((m) => m['type'] === 'protocol-error')).toMatchObject({ error: { message: expect.stringMatching(/binary frames/) } });
    ws.send(JSON.stringify({ type: 'call', id: 14 }));
    expect(await f.next((m) => m['id'] === 14)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/channel/) } });

    ws.send(JSON.stringify({ type: 'call', id: 15, channel: 'moveStage', arg: { axis: 'X', target_um: 1000 } }));
    const stage = await f.next((m) => m['type'] === 'event' && m['event'] === 'stage');
    expect((stage['payload'] as BenchEvents['stage']).axes[0]?.position_um).toBeCloseTo(1000, 0);
    expect(await f.next((m) => m['id'] === 15)).toMatchObject({ ok: true });
  });

  it('gives the browser client window.bench: typed calls, service errors by name, events', async () => {
    const client = new BridgeClient({ url: server.bridgeUrl, createSocket: bearerSocket(server.token) });
    clients.push(client);
    await client.connect();
    const bench = client.bridge();
    const statuses: boolean[] = [];
    bench.on('bench', (s) => statuses.push(s.open));
    await bench.openBench({ kind: 'sim', seed: 1 });
    expect((await bench.setLaser({ wavelength_nm: 1551, output: true })).output).toBe(true);
    await expect(bench.setLaser({ wavelength_nm: 1200 })).rejects.toMatchObject({ name: 'InvalidSettingError', channel: 'setLaser', message: expect.stringMatching(/1200/) });
    await expect(bench.scpi({ role: 'laser', command: 'A\nB' })).rejects.toMatchObject({ name: 'ApiPayloadError', message: expect.stringMatching(/one line/) });
    expect(statuses).toContain(true);
    expect(Object.isFrozen(bench)).toBe(true);
  });
});

describe('the browser client', () => {
  let hub: BenchEventHub;
  let fakeServer: BridgeServer;
  let events: RunEvent[];

  const runEvent = (i: number): RunEvent => ({ type: 'log', runId: 'R1', t_s: i, time: new Date(0).toISOString(), stepId: null, message: `line ${i}` });

  beforeEach(async () => {
    hub = new BenchEventHub();
    events = [];
    const target = {
      events: hub,
      runEvents: async ({ since }: { since: number }) => ({ runId: 'R1', events: events.slice(since), next: events.length }),
      benchStatus: async () => ({ open: false, name: null, source: null, instruments: [], runId: null, benchTime_s: 0 }),
      runState: async () => ({ phase: 'running' }),
      makeSafe: () => new Promise(() => undefined),
    } as unknown as BridgeTarget;
    fakeServer = await BridgeServer.start({ service: target, port: 0, staticDir: null });
  });

  afterEach(async () => {
    await fakeServer.close();
  });

  it('times out a call the service never answers, naming it', async () => {
    const client = new BridgeClient({ url: fakeServer.bridgeUrl, createSocket: bearerSocket(fakeServer.token), timeout_ms: 200 });
    clients.push(client);
    await client.connect();
    await expect(client.bridge().makeSafe()).rejects.toMatchObject({ name: 'BridgeTimeoutError', message: 'makeSafe: no reply from the bench service within 0.2 s' });
  });

  it('reconnects after the connection drops and replays the run events it missed, once each, in order', async () => {
    const client = new BridgeClient({ url: fakeServer.bridgeUrl, createSocket: bearerSocket(fakeServer.token), reconnectDelay_ms: 50 });
    clients.push(client);
    const states: string[] = [];
    client.onConnection((s) => states.push(s));
    await client.connect();
    const got: number[] = [];
    client.bridge().on('run', ({ index }) => got.push(index));
    const push = (i: number) => {
      events.push(runEvent(i));
      hub.emit('run', { index: i, event: events[i] as RunEvent });
    };
    push(0);
    push(1);
    await expect.poll(() => got).toEqual([0, 1]);
    // Drop every connection on the server's side; events go on meanwhile.
    for (const ws of (fakeServer as unknown as { wss: { clients: Set<WebSocket> } }).wss.clients) ws.terminate();
    await expect.poll(() => states.includes('reconnecting')).toBe(true);
    events.push(runEvent(2), runEvent(3));
    await expect.poll(() => client.state, { timeout: 5000 }).toBe('open');
    await expect.poll(() => got).toEqual([0, 1, 2, 3]);
    push(4);
    await expect.poll(() => got).toEqual([0, 1, 2, 3, 4]);
  });

  it('disconnects a client that stops reading once its unsent events pass the limit, and still shuts down promptly', async () => {
    const slow = await BridgeServer.start({ service: { events: hub } as unknown as BridgeTarget, port: 0, staticDir: null, maxBufferedBytes: 1_000_000 });
    try {
      const ws = new WebSocket(slow.bridgeUrl, { headers: bearer(slow.token) });
      sockets.push(ws);
      await new Promise((r) => ws.once('message', r));
      // Stop reading: the kernel's buffers fill, then the server's own queue grows.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const serverSide = [...(slow as unknown as { wss: { clients: Set<WebSocket> } }).wss.clients][0];
      const big = 'x'.repeat(500_000);
      let sent = 0;
      while (sent < 400 && serverSide?.readyState === WebSocket.OPEN) {
        hub.emit('run', { index: sent, event: { type: 'log', runId: 'R1', t_s: sent, time: '', stepId: null, message: big } });
        sent++;
        await new Promise((r) => setImmediate(r));
      }
      expect(serverSide?.readyState).toBe(WebSocket.CLOSING);
      expect(sent).toBeLessThan(400);
    } finally {
      // A stuck client used to hold close() for ws's 30 s closing timeout; the test's own timeout catches that.
      await slow.close();
    }
  });

  it('fails to connect with a wrong token, saying how to log in', async () => {
    const client = new BridgeClient({ url: fakeServer.bridgeUrl, createSocket: bearerSocket('wrong'), connectTimeout_ms: 500 });
    clients.push(client);
    await expect(client.connect()).rejects.toThrow(/are you logged in \(open the one-time URL it printed, or log in at \/login with a token\)/);
  });
});

describe('the static UI', () => {
  it('says how to build the UI when it is not built', async () => {
    const r = await httpGet('/', { Host: `127.0.0.1:${server.port}`, ...bearer(server.token) });
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/not built/);
    expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('serves the build with security headers, falls back to index.html for routes, and keeps inside its folder', async () => {
    const ui = join(dir, 'ui');
    rmSync(ui, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(ui, 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const s = await BridgeServer.start({ service, port: 0, staticDir: ui });
    try {
      const get = (path: string, method = 'GET', host = `127.0.0.1:${s.port}`) => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: s.port, path, method, headers: { Host: host, ...bearer(s.token) } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += String(c)));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      });
      const index = await get('/');
      expect(index.status).toBe(200);
      expect(index.body).toContain('<title>app</title>');
      expect(index.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store',
      });
      expect(String(index.headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${s.port}`);
      expect((await get('/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect((await get('/history/run-1')).body).toContain('<title>app</title>');
      expect((await get('/missing.js')).status).toBe(404);
      // The URL parser already folds %2e%2e away (404 inside the folder); an encoded slash is refused (400).
      for (const path of ['/%2e%2e/secret.txt', '/..%2fsecret.txt', '/a/..%2f..%2fsecret.txt', '/../secret.txt']) {
        const r = await get(path);
        expect([400, 404]).toContain(r.status);
        expect(r.body).not.toContain('secret');
      }
      expect((await get('/..%2fsecret.txt')).status).toBe(400);
      // Symbolic links out of the folder (to a file or a folder) and dot files are refused.
      symlinkSync(join(dir, 'secret.txt'), join(ui, 'leak.txt'));
      symlinkSync(dir, join(ui, 'up'));
      writeFileSync(join(ui, '.env'), 'secret');
      for (const path of ['/leak.txt', '/up/secret.txt', '/.env']) {
        const r = await get(path);
        expect(r.status, path).toBe(400);
        expect(r.body).not.toContain('secret');
      }
      expect((await get('/', 'POST')).status).toBe(405);
      expect((await get('/', 'GET', `attacker.example:${s.port}`)).status).toBe(421);
    } finally {
      await s.close();
    }
  });
});
