// The fleet view against a throwaway PostgreSQL cluster: three `benchctl serve --sim --lab` processes each
// publish their live state; every one's /fleet shows all three, each linking to its own UI; a run's
// progress and the laser reach the others through LISTEN/NOTIFY; one bench killed (SIGKILL, no goodbye) is
// shown lost within 10 s while the others stay live, and one stopped cleanly shows as stopped.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../../../renderer/bridge/bridge-client.ts';
import type { FleetRow } from '../../../service/fleet/fleet-table.ts';
import { cookieSocket, httpCall, loginWithCode } from '../../helpers/login.ts';
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'benchctl.js');

interface Bench {
  name: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exit: Promise<number | null>;
  url: string;
  origin: string;
  cookie: string;
}

let dir: string;
let pg: PgCluster;
const benches: Bench[] = [];
const clients: BridgeClient[] = [];

async function startBench(name: string, lab: string): Promise<Bench> {
  const child = spawn(process.execPath, [BIN, 'serve', '--sim', '--port', '0', '--no-build', '--runs', join(dir, name), '--lab', lab, '--lab-name', name], {
    cwd: dir, stdio: 'pipe', env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 120 s:\n${out}`)), 120_000);
    const check = (): void => {
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${out}`));
    });
  });
  const url = /^url (\S+)$/m.exec(out)?.[1];
  if (!url) throw new Error(`${name} did not start:\n${out}`);
  const b: Bench = { name, child, output: () => out, exit, url, origin: new URL(url).origin, cookie: await loginWithCode(url) };
  benches.push(b);
  return b;
}

async function fleetOf(b: Bench): Promise<FleetRow[]> {
  const r = await httpCall(`${b.origin}/fleet.json`, { headers: { Cookie: b.cookie } });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { benches: FleetRow[] }).benches;
}

const byName = (rows: FleetRow[], name: string) => rows.find((r) => r.bench === name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'i14-fleet-'));
  pg = await startPgCluster();
  const lab = await pg.createDatabase('lab');
  await Promise.all(['bench-a', 'bench-b', 'bench-c'].map((n) => startBench(n, lab)));
}, 240_000);

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const b of benches) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
  await Promise.all(benches.map((b) => b.exit));
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the fleet view', () => {
  it('shows every bench on every bench, each linking to its own UI', async () => {
    const [a, b, c] = benches.sort((x, y) => x.name.localeCompare(y.name)) as [Bench, Bench, Bench];
    for (const from of [a, b, c]) {
      await expect.poll(async () => (await fleetOf(from)).map((r) => r.bench), { timeout: 10_000 }).toEqual(['bench-a', 'bench-b', 'bench-c']);
    }
    const rows = await fleetOf(a);
    for (const bench of [a, b, c]) expect(byName(rows, bench.name)).toMatchObject({ url: `${bench.origin}/login`, lost: false, stopped: false, phase: 'idle' });
    const page = await httpCall(`${a.origin}/fleet`, { headers: { Cookie: a.cookie } });
    expect(page.body).toContain(`<a href="${b.origin}/login">bench-b</a>`);
    expect(page.body).toContain('http-equiv="refresh"');
    // Behind the login like the rest of the UI.
    expect((await httpCall(`${a.origin}/fleet.json`)).status).toBe(401);
  }, 60_000);

  it('carries a bench\'s laser and run to the others as they change', async () => {
    const b = benches.find((x) => x.name === 'bench-b') as Bench;
    const a = benches.find((x) => x.name === 'bench-a') as Bench;
    const client = new BridgeClient({ url: `ws://${new URL(b.origin).host}/bridge`, createSocket: cookieSocket(b.cookie, b.origin) });
    clients.push(client);
    await client.connect();
    await client.bridge().setLaser({ output: true });
    await expect.poll(async () => byName(await fleetOf(a), 'bench-b')?.laser, { timeout: 10_000 }).toBe('on');
    const started = await client.bridge().startRun({ kind: 'library', name: 'align' });
    await expect.poll(async () => byName(await fleetOf(a), 'bench-b')?.run, { timeout: 10_000 }).toBe(started.runId);
    await expect.poll(async () => byName(await fleetOf(a), 'bench-b')?.lastVerdict, { timeout: 120_000 }).toMatch(/^(passed|failed)$/);
    // Waited for either verdict (a run that ends at all), then held to the one the simulated bench earns.
    expect(byName(await fleetOf(a), 'bench-b')?.lastVerdict).toBe('passed');
    expect(byName(await fleetOf(a), 'bench-b')?.progress).toBeCloseTo(1, 1);
  }, 180_000);

  it('shows a killed bench as lost within 10 s, and one stopped cleanly as stopped', async () => {
    const a = benches.find((x) => x.name === 'bench-a') as Bench;
    const c = benches.find((x) => x.name === 'bench-c') as Bench;
    const killedAt = Date.now();
    c.child.kill('SIGKILL');
    await c.exit;
    await expect.poll(async () => byName(await fleetOf(a), 'bench-c')?.lost, { timeout: 10_000, interval: 250 }).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const rows = await fleetOf(a);
    expect(byName(rows, 'bench-a')?.lost).toBe(false);
    expect(byName(rows, 'bench-b')?.lost).toBe(false);
    expect((await httpCall(`${a.origin}/fleet`, { headers: { Cookie: a.cookie } })).body).toMatch(/data-bench="bench-c" data-status="lost"[\s\S]*LOST \(last beat \d+ s ago\)/);
    const b = benches.find((x) => x.name === 'bench-b') as Bench;
    b.child.kill('SIGTERM');
    expect(await b.exit).toBe(0);
    await expect.poll(async () => byName(await fleetOf(a), 'bench-b'), { timeout: 10_000 }).toMatchObject({ stopped: true, lost: false });
  }, 60_000);
});
