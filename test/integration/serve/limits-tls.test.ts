// The browser-mode server under a flood and over TLS: one client's connections and calls in flight are
// capped (429 / TooManyCallsError) while another client is still served; TLS on a loopback address with a
// self-signed certificate whose printed fingerprint is the one the server presents; any address but
// loopback without TLS is refused, saying why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient } from '../../../renderer/bridge/bridge-client.ts';
import { TokenStore } from '../../../service/access/token-store.ts';
import { BenchService } from '../../../service/bench-service.ts';
import { BenchEventHub } from '../../../service/event-hub.ts';
import { BridgeServer, type BridgeTarget } from '../../../service/web/bridge-server.ts';
import { selfSignedTls } from '../../../service/web/tls.ts';
import { cookieSocket, httpCall, loginWithCode, loginWithToken } from '../../helpers/login.ts';

let dir: string;
const servers: BridgeServer[] = [];
const sockets: WebSocket[] = [];
const clients: BridgeClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'i14-limits-'));
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.terminate();
  for (const s of servers.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A service whose benchStatus never answers (a call stuck in flight) and whose runState answers at once. */
function stuckService(): BridgeTarget {
  const hub = new BenchEventHub();
  return {
    events: hub,
    benchStatus: () => new Promise(() => undefined),
    runState: async () => ({ phase: 'idle', runId: null }),
  } as unknown as BridgeTarget;
}

function handshake(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  const ws = new WebSocket(url, { headers });
  sockets.push(ws);
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve('open'));
    ws.once('error', () => undefined);
  });
}

describe('caps per client', () => {
  it('caps a flood of connections from one client with 429, and still serves another client', async () => {
    const store = new TokenStore(join(dir, 'tokens.json'));
    const server = await BridgeServer.start({ service: stuckService(), port: 0, staticDir: null, tokens: store, limits: { maxConnections: 3 } });
    servers.push(server);
    const flooder = await store.add('flood', 'viewer');
    const results = await Promise.all(Array.from({ length: 40 }, () => handshake(server.bridgeUrl, { Authorization: `Bearer ${flooder}` })));
    expect(results.filter((r) => r === 'open')).toHaveLength(3);
    expect(results.filter((r) => r === 429)).toHaveLength(37);
    // The legitimate operator, logged in by the printed code, connects and is answered.
    const c = new BridgeClient({ url: server.bridgeUrl, createSocket: cookieSocket(await loginWithCode(server.url), server.origin) });
    clients.push(c);
    await c.connect();
    expect(await c.bridge().runState()).toMatchObject({ phase: 'idle' });
    // A slot frees when a connection closes.
    const open = sockets.find((s) => s.readyState === WebSocket.OPEN);
    open?.close();
    await expect.poll(async () => handshake(server.bridgeUrl, { Authorization: `Bearer ${flooder}` }), { timeout: 3000 }).toBe('open');
  });

  it('answers calls over the in-flight cap at once with TooManyCallsError, and still serves another client', async () => {
    const server = await BridgeServer.start({ service: stuckService(), port: 0, staticDir: null, limits: { maxCallsInFlight: 4 } });
    servers.push(server);
    const flood = new BridgeClient({ url: server.bridgeUrl, createSocket: cookieSocket(await loginWithCode(server.url), server.origin), timeout_ms: 60_000 });
    clients.push(flood);
    await flood.connect();
    const calls = Array.from({ length: 50 }, () => flood.bridge().benchStatus().then(() => 'answered', (e: { name: string; message: string }) => e));
    const refused = await Promise.all(calls.slice(4));
    for (const e of refused) expect(e).toMatchObject({ name: 'TooManyCallsError', message: 'benchStatus: refused: launch has 4 calls in flight already; wait for their replies' });
    const other = new BridgeClient({ url: server.bridgeUrl, createSocket: cookieSocket(await loginWithCode(server.newLoginUrl()), server.origin) });
    clients.push(other);
    await other.connect();
    expect(await other.bridge().runState()).toMatchObject({ phase: 'idle' });
  });
});

describe('TLS', () => {
  it('serves HTTPS and WSS on a loopback address with a self-signed certificate whose fingerprint it presents', async () => {
    const tls = await selfSignedTls(['127.0.0.1', 'localhost']);
    expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(tls.subjectAltName).toContain('IP Address:127.0.0.1');
    const service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'lib'), cwd: dir, monitor: { enabled: false }, laserWatch: { enabled: false } });
    try {
      const server = await BridgeServer.start({ service, port: 0, host: '127.0.0.1', staticDir: null, tls: { cert: tls.cert, key: tls.key } });
      servers.push(server);
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/login\?code=/);
      const presented = await new Promise<string>((resolve, reject) => {
        const sock = tlsConnect({ host: '127.0.0.1', port: server.port, ca: tls.cert, servername: 'localhost' }, () => {
          resolve(sock.getPeerCertificate().fingerprint256);
          sock.end();
        });
        sock.once('error', reject);
      });
      expect(presented).toBe(tls.fingerprint256);
      // Without trusting the certificate, the client refuses it (a TLS failure, not plain text).
      await expect(httpCall(server.url)).rejects.toThrow(/self.signed|certificate/i);
      const cookie = await loginWithCode(server.url, tls.cert);
      expect(cookie).toMatch(/^benchctl_session_/);
      const first = await httpCall(server.newLoginUrl(), { ca: tls.cert });
      expect(String(first.headers['set-cookie'])).toMatch(/; Secure$/);
      expect(server.bridgeUrl).toMatch(/^wss:\/\//);
      const c = new BridgeClient({ url: server.bridgeUrl, createSocket: cookieSocket(cookie, server.origin, tls.cert) });
      clients.push(c);
      await c.connect();
      await c.bridge().openBench({ kind: 'sim', seed: 1 });
      expect((await c.bridge().setLaser({ output: true })).output).toBe(true);
      // A plain-http request to the TLS port gets no page.
      await expect(httpCall(server.url.replace('https:', 'http:'))).rejects.toThrow();
      // A viewer token logs in over TLS as well.
      const store = new TokenStore(join(dir, 'tokens.json'));
      const s2 = await BridgeServer.start({ service, port: 0, staticDir: null, tls: { cert: tls.cert, key: tls.key }, tokens: store });
      servers.push(s2);
      expect(await loginWithToken(s2.origin, await store.add('ana', 'viewer'), tls.cert)).toMatch(/^benchctl_session_/);
    } finally {
      for (const s of servers.splice(0)) await s.close();
      await service.shutdown();
    }
  });

  it('refuses to listen beyond loopback without TLS, saying why', async () => {
    await expect(BridgeServer.start({ service: stuckService(), port: 0, host: '0.0.0.0', staticDir: null }))
      .rejects.toThrow('--host 0.0.0.0 without TLS is refused: beyond loopback the login code, the session cookie and every call and reading would cross the network in clear text');
  });
});
