// The audit log reaches the run index from a real browser-mode server: control actions (and refusals) by
// the bridge land in audit.jsonl and in the service's index; `benchctl audit` lists them; `benchctl index
// rebuild` reads audit.jsonl again without doubling a row; bad options are refused naming the option.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { BridgeClient } from '../../../renderer/bridge/bridge-client.ts';
import { TokenStore } from '../../../service/access/token-store.ts';
import { BenchService } from '../../../service/bench-service.ts';
import { BridgeServer } from '../../../service/web/bridge-server.ts';
import { cookieSocket, loginWithCode, loginWithToken } from '../../helpers/login.ts';

let dir: string;
let service: BenchService;
let server: BridgeServer;
const clients: BridgeClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'x13-audit-'));
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), cwd: dir, monitor: { enabled: false }, laserWatch: { enabled: false } });
  const store = new TokenStore(join(dir, 'config', 'tokens.json'));
  server = await BridgeServer.start({
    service, port: 0, staticDir: null, tokens: store, auditFile: join(dir, 'runs', 'audit.jsonl'), auditSinks: [service.runIndex!.auditSink],
  });
  const client = async (cookie: string) => {
    const c = new BridgeClient({ url: server.bridgeUrl, createSocket: cookieSocket(cookie, server.origin), connectTimeout_ms: 5000, reconnectDelay_ms: 50 });
    clients.push(c);
    await c.connect();
    return c.bridge();
  };
  const op = await client(await loginWithCode(server.url));
  const viewer = await client(await loginWithToken(server.origin, await store.add('vic', 'viewer')));
  await op.openBench({ kind: 'sim', seed: 1 });
  await op.setLaser({ output: true });
  await expect(viewer.setLaser({ output: false })).rejects.toMatchObject({ name: 'RoleRefusedError' });
  await viewer.makeSafe();
}, 60_000);

/** benchctl in this process (a child's start-up costs seconds on a loaded machine), its output collected. */
async function runBenchctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  await service?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the audit log in the run index', () => {
  it('holds every control action and refusal the bridge recorded, newest first', async () => {
    await expect.poll(async () => (await service.runIndex!.audit({})).length, { timeout: 10_000 }).toBe(4);
    const rows = await service.runIndex!.audit({});
    expect(rows.map((r) => [r.who, r.role, r.call, r.result])).toEqual([
      ['vic', 'viewer', 'makeSafe', 'ok'],
      ['vic', 'viewer', 'setLaser', 'refused'],
      ['launch', 'operator', 'setLaser', 'ok'],
      ['launch', 'operator', 'openBench', 'ok'],
    ]);
    expect(rows[1]).toMatchObject({ arg: { output: false }, error: { name: 'RoleRefusedError' }, via: 'bridge 127.0.0.1' });
    // The same entries as the file (its truth), by id.
    const ids = readFileSync(join(dir, 'runs', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids).size).toBe(4);
  });

  it('benchctl audit lists them (json, table, filters) and index rebuild re-reads audit.jsonl once', async () => {
    await service.runIndex!.auditWriter.flush();
    const runs = join(dir, 'runs');
    const json = await runBenchctl(['audit', '--runs', runs, '--format', 'json', '--who', 'vic']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as { who: string; call: string; result: string; time: string }[];
    expect(list.map((r) => [r.call, r.result])).toEqual([['makeSafe', 'ok'], ['setLaser', 'refused']]);
    const table = await runBenchctl(['audit', '--runs', runs, '--result', 'refused']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/time\s+who\s+role\s+call\s+result/);
    expect(table.stdout).toMatch(/vic\s+viewer\s+setLaser\s+refused\s+\{"output":false\}\s+RoleRefusedError/);
    expect(table.stdout.trim().split('\n')).toHaveLength(2);
    const future = await runBenchctl(['audit', '--runs', runs, '--since', '2999-01-01']);
    expect(future.stdout).toBe('no control actions recorded\n');

    // A damaged line: the rebuild names it and skips it, and keeps every good entry once.
    appendFileSync(join(runs, 'audit.jsonl'), '{"time": \n');
    const rebuild = await runBenchctl(['index', 'rebuild', '--runs', runs]);
    expect(rebuild.code).toBe(1);
    expect(rebuild.stdout).toMatch(/4 audit entries \(0 new\), 1 skipped/);
    expect(rebuild.stderr).toMatch(/audit\.jsonl line 5: not a JSON object/);
    expect((await service.runIndex!.audit({ limit: 1000 })).length).toBe(4);

    for (const [args, message] of [
      [['--format', 'csv'], /--format expects one of table, json, got 'csv'/],
      [['--result', 'maybe'], /--result expects one of ok, error, refused, got 'maybe'/],
      [['--since', 'yesterday-ish'], /--since: expected a date \(2026-01-31\) or an ISO time/],
      [['--limit', '0'], /--limit expects a whole number 1-10000, got '0'/],
      [['--who', ' '], /--who expects a name, got an empty string/],
    ] as const) {
      const r = await runBenchctl(['audit', '--runs', runs, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});
