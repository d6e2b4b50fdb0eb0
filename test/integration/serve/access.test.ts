// Who may do what on the browser-mode server, over real sockets: the printed login code works once and
// gives an HttpOnly SameSite=Strict cookie; named tokens log in by the form; a viewer's and an operator's
// allowed and refused calls, for every channel; a revoked token is refused at once, also on an open
// connection; every control action (and every refusal) lands in the audit log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient } from '../../../renderer/bridge/bridge-client.ts';
import { minimalRole } from '../../../service/access/roles.ts';
import { TokenStore } from '../../../service/access/token-store.ts';
import { BENCH_CHANNELS } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import { BridgeServer } from '../../../service/web/bridge-server.ts';
import { cookieSocket, httpCall, loginWithCode, loginWithToken } from '../../helpers/login.ts';

let dir: string;
let service: BenchService;
let server: BridgeServer;
let store: TokenStore;
const clients: BridgeClient[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'i14-access-'));
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), cwd: dir, monitor: { enabled: false }, laserWatch: { enabled: false } });
  store = new TokenStore(join(dir, 'config', 'tokens.json'));
  server = await BridgeServer.start({ service, port: 0, staticDir: null, tokens: store, auditFile: join(dir, 'runs', 'audit.jsonl') });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function clientWith(cookie: string): Promise<BridgeClient> {
  const c = new BridgeClient({ url: server.bridgeUrl, createSocket: cookieSocket(cookie, server.origin), connectTimeout_ms: 5000, reconnectDelay_ms: 50 });
  clients.push(c);
  await c.connect();
  return c;
}

describe('the one-time login code', () => {
  it('is exchanged once for an HttpOnly, SameSite=Strict cookie, and refused after', async () => {
    const first = await httpCall(server.url);
    expect(first.status).toBe(303);
    expect(first.headers['location']).toBe('/');
    const set = String(first.headers['set-cookie']);
    expect(set).toMatch(new RegExp(`^benchctl_session_${server.port}=[\\w-]{32}; Path=/; HttpOnly; SameSite=Strict$`));
    const again = await httpCall(server.url);
    expect(again.status).toBe(401);
    expect(again.body).toContain('This login code has been used already: each works once.');
    expect((await httpCall(`${server.origin}/login?code=${'x'.repeat(32)}`)).status).toBe(401);
    const c = await clientWith(set.split(';')[0] as string);
    expect((await c.bridge().benchStatus()).open).toBe(false);
  });

  it('keeps the UI behind the login: a page load goes to /login, anything else is 401', async () => {
    expect(await httpCall(`${server.origin}/`, { headers: { Accept: 'text/html' } })).toMatchObject({ status: 303, headers: { location: '/login' } });
    expect((await httpCall(`${server.origin}/assets/app.js`)).status).toBe(401);
    const form = await httpCall(`${server.origin}/login`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('<form method="post" action="/login">');
    expect(String(form.headers['content-security-policy'])).toContain("form-action 'self'");
  });
});

describe('named tokens and roles', () => {
  it('logs a token in by the form, and refuses a wrong one, a missing one, and a form from another site', async () => {
    const token = await store.add('alice', 'viewer');
    expect(await loginWithToken(server.origin, token)).toMatch(/^benchctl_session_\d+=/);
    const post = (body: string, origin = server.origin) => httpCall(`${server.origin}/login`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin } });
    const wrong = await post(new URLSearchParams({ token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }).toString());
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('this token is not valid here');
    expect((await post('')).body).toContain('token: missing');
    expect((await post(new URLSearchParams({ token }).toString(), 'http://evil.example')).status).toBe(403);
    // The file holds no token, only its hash.
    expect(readFileSync(store.file, 'utf8')).not.toContain(token.slice('bct_0123456789abcdef_'.length)); // the secret may hold '_' itself (base64url)
  });

  it('lets a viewer watch and make safe, and refuses every control call naming the role it needs', async () => {
    const viewer = (await clientWith(await loginWithToken(server.origin, await store.add('vera', 'viewer')))).bridge();
    const refused: string[] = [];
    for (const channel of BENCH_CHANNELS) {
      const call = viewer[channel] as (arg?: unknown) => Promise<unknown>;
      const error = await call().then(() => null, (e: { name: string; message: string }) => e);
      if (error?.name === 'RoleRefusedError') {
        refused.push(channel);
        expect(error.message).toBe(`${channel}: refused for vera (role viewer); it needs the operator role — ask for an operator token (benchctl token add --role operator)`);
      }
    }
    expect(refused).toEqual(BENCH_CHANNELS.filter((c) => minimalRole(c) === 'operator'));
    expect(refused).toEqual(expect.arrayContaining(['openBench', 'setLaser', 'jogStage', 'moveStage', 'startRun', 'pauseRun', 'resumeRun', 'abortRun', 'scpi', 'setVoa', 'setBert']));
    for (const allowed of ['makeSafe', 'benchStatus', 'runState', 'runEvents', 'listRuns', 'openRun', 'laserState', 'searchRuns', 'runTrend', 'lotYield', 'indexInfo']) expect(refused).not.toContain(allowed);
  });

  it('lets an operator make every call, and the hello says who the server took each for', async () => {
    const token = await store.add('otto', 'operator');
    const cookie = await loginWithToken(server.origin, token);
    const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const ws = new WebSocket(server.bridgeUrl, { headers: { Cookie: cookie, Origin: server.origin } });
      ws.once('message', (d) => {
        resolve(JSON.parse(String(d)) as Record<string, unknown>);
        ws.close();
      });
      ws.once('error', reject);
    });
    expect(hello['who']).toEqual({ name: 'otto', role: 'operator' });
    const op = (await clientWith(cookie)).bridge();
    for (const channel of BENCH_CHANNELS) {
      const call = op[channel] as (arg?: unknown) => Promise<unknown>;
      const error = await call().then(() => null, (e: { name: string }) => e);
      expect(error?.name, channel).not.toBe('RoleRefusedError');
    }
    await op.openBench({ kind: 'sim', seed: 1 });
    expect((await op.setLaser({ output: true })).output).toBe(true);
  });

  it('refuses a revoked token at once: its open connection is closed, its session and the token itself refused', async () => {
    const token = await store.add('rita', 'operator');
    const cookie = await loginWithToken(server.origin, token);
    const c = await clientWith(cookie);
    const states: [string, string | null][] = [];
    c.onConnection((s, d) => states.push([s, d]));
    expect((await c.bridge().benchStatus()).open).toBe(false);
    // Revoked as `benchctl token revoke` does it: another TokenStore on the same file.
    expect(new TokenStore(store.file).revoke('rita')).toBe(true);
    await expect.poll(() => c.state, { timeout: 3000 }).toBe('closed');
    expect(states.at(-1)).toEqual(['closed', 'token rita was revoked']);
    const ws = new WebSocket(server.bridgeUrl, { headers: { Cookie: cookie, Origin: server.origin } });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => undefined);
    });
    ws.terminate();
    expect(status).toBe(401);
    await expect(loginWithToken(server.origin, token)).rejects.toThrow(/401/);
  });

  it('refuses the next call of a connection whose token was revoked, even before the file watcher notices', async () => {
    const token = await store.add('rob', 'viewer');
    const c = await clientWith(await loginWithToken(server.origin, token));
    new TokenStore(store.file).revoke('rob');
    await expect(c.bridge().runState()).rejects.toMatchObject({ name: expect.stringMatching(/TokenRevokedError|BridgeClosedError/) });
  });
});

describe('the audit log', () => {
  it('records every control action and refusal with who, when, what and the result, and no reads', async () => {
    const op = (await clientWith(await loginWithCode(server.url))).bridge();
    const viewer = (await clientWith(await loginWithToken(server.origin, await store.add('vic', 'viewer')))).bridge();
    await op.openBench({ kind: 'sim', seed: 1 });
    await op.setLaser({ output: true });
    await expect(op.setLaser({ wavelength_nm: 1200 })).rejects.toThrow(/1200/);
    await expect(viewer.setLaser({ output: false })).rejects.toMatchObject({ name: 'RoleRefusedError' });
    await viewer.makeSafe();
    await viewer.benchStatus();
    await op.runState();
    const audit = (): Record<string, unknown>[] => {
      try {
        return readFileSync(join(dir, 'runs', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      } catch {
        return [];
      }
    };
    await expect.poll(() => audit().length, { timeout: 10_000 }).toBe(5);
    const lines = audit();
    expect(lines.map((l) => [l['who'], l['role'], l['call'], l['result']])).toEqual([
      ['launch', 'operator', 'openBench', 'ok'],
      ['launch', 'operator', 'setLaser', 'ok'],
      ['launch', 'operator', 'setLaser', 'error'],
      ['vic', 'viewer', 'setLaser', 'refused'],
      ['vic', 'viewer', 'makeSafe', 'ok'],
    ]);
    expect(lines[1]).toMatchObject({ arg: { output: true }, via: expect.stringMatching(/^bridge 127\.0\.0\.1$/) });
    expect(lines[2]?.['error']).toMatchObject({ name: 'InvalidSettingError' });
    for (const l of lines) expect(Number.isNaN(Date.parse(String(l['time'])))).toBe(false);
  });
});
