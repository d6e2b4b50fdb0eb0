// `benchctl serve` and `benchctl start` as child processes: the printed one-time login URL works once, the
// process stops on SIGTERM/SIGINT with the bench made safe, and bad options exit 2 with the usage. Where
// there is no Electron binary (this machine), `start` says so in one line and serves the browser mode.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient } from '../../../renderer/bridge/bridge-client.ts';
import { cookieSocket, httpCall, loginWithCode } from '../../helpers/login.ts';
import { DEFAULT_BENCH_ROLES } from '../../../sim/link/bench-file.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'benchctl.js');

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
const clients: BridgeClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'g1-serve-'));
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): Running {
  // Never the user's own token file.
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: 'pipe', env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function ready(r: Running): Promise<string> {
  await expect.poll(() => r.stdout().includes('\nready\n') || r.child.exitCode !== null, { timeout: 20_000, interval: 50 }).toBe(true);
  const url = /^url (\S+)$/m.exec(r.stdout())?.[1];
  if (!url) throw new Error(`no url line; stdout:\n${r.stdout()}\nstderr:\n${r.stderr()}`);
  return url;
}

async function clientFor(url: string): Promise<BridgeClient> {
  const u = new URL(url);
  const cookie = await loginWithCode(url);
  const c = new BridgeClient({ url: `ws://${u.host}/bridge`, createSocket: cookieSocket(cookie, u.origin) });
  clients.push(c);
  return c;
}

describe('benchctl serve', () => {
  it('serves the simulated bench at the printed URL and stops on SIGTERM with the bench safe', async () => {
    const r = run(['serve', '--sim', '--seed', '4', '--port', '0', '--no-build', '--runs', join(dir, 'runs')]);
    const url = await ready(r);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?code=[\w-]{32}$/);
    expect(r.stdout()).toContain('listening on 127.0.0.1:');
    const client = await clientFor(url);
    // The code works once: the URL left in a history or a log opens nothing.
    const again = await httpCall(url);
    expect(again.status).toBe(401);
    expect(again.body).toMatch(/already used/);
    await client.connect();
    const bench = client.bridge();
    expect((await bench.benchStatus()).source).toEqual({ kind: 'sim', seed: 4, realtime: false });
    expect((await bench.setLaser({ output: true })).output).toBe(true);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(r.stderr()).toMatch(/SIGTERM, making the bench safe/);
    expect(r.stderr()).toContain(`all ${DEFAULT_BENCH_ROLES.length} instruments safe`);
  });

  it('refuses a bridge connection without a login', async () => {
    const r = run(['serve', '--port', '0', '--no-build']);
    const url = await ready(r);
    expect(r.stdout()).toContain('no bench open yet');
    const port = new URL(url).port;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`);
      ws.once('unexpected-response', (_q, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => reject(new Error('connected without a login')));
      ws.once('error', () => undefined);
    });
    expect(status).toBe(401);
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
  });

  it('serves the UI from --ui DIR (not the shared build), with the security headers', async () => {
    const ui = join(dir, 'my-ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>private build</title>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'void 0;');
    const r = run(['serve', '--port', '0', '--no-build', '--ui', 'my-ui']);
    const url = await ready(r);
    expect(r.stdout()).toContain(`UI: ${ui}`);
    // Not logged in: a page load is sent to the login form.
    expect((await httpCall(new URL('/', url).href, { headers: { Accept: 'text/html' } })).headers['location']).toBe('/login');
    const cookie = await loginWithCode(url);
    const page = await fetch(new URL('/', url), { headers: { Cookie: cookie } });
    expect(await page.text()).toContain('private build');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const asset = await fetch(new URL('/assets/app.js', url), { headers: { Cookie: cookie } });
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('exits 2 with the usage on bad options', async () => {
    const both = run(['serve', '--sim', '--bench', 'x.yaml']);
    const port = run(['serve', '--port', '70000']);
    const seed = run(['serve', '--seed', '3']);
    const host = run(['serve', '--host', '0.0.0.0']);
    expect(await Promise.all([both.exit, port.exit, seed.exit, host.exit])).toEqual([2, 2, 2, 2]);
    expect(host.stderr()).toMatch(/--host 0\.0\.0\.0 without TLS is refused: .*clear text.*add --tls self-signed, or --tls-cert FILE --tls-key FILE/);
    expect(both.stderr()).toMatch(/--sim and --bench exclude each other/);
    expect(both.stderr()).toMatch(/Usage: benchctl serve/);
    expect(port.stderr()).toMatch(/--port expects an integer 0-65535, got '70000'/);
    expect(seed.stderr()).toMatch(/--seed, --world and --realtime apply to the simulated bench: add --sim/);
  }, 60_000);

  it('exits 2 naming the file when the bench file cannot be opened', async () => {
    const r = run(['serve', '--bench', 'nope.yaml', '--port', '0', '--no-build']);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toMatch(/nope\.yaml/);
  });
});

describe('benchctl start without an Electron binary', () => {
  it('says why in one line and starts the browser mode on the simulated bench', async () => {
    const r = run(['start', '--port', '0', '--no-build', '--runs', join(dir, 'runs')]);
    const url = await ready(r);
    const first = r.stdout().split('\n')[0] ?? '';
    expect(first).toMatch(/^benchctl start: no desktop window — Electron is unavailable here \(.+\), so the browser mode starts instead: open the URL below\.$/);
    const client = await clientFor(url);
    await client.connect();
    expect((await client.bridge().benchStatus()).source).toEqual({ kind: 'sim', seed: 1, realtime: false });
    r.child.kill('SIGINT');
    expect(await r.exit).toBe(0);
  });
});
