// `benchctl run --bench FILE` against the simulator served on loopback TCP: the same sequence, through
// sockets, as against real instruments — the bench left safe when the command ends, the reconnect
// deadline of --reconnect-deadline honoured when an instrument stops answering, and Ctrl-C while the
// bench is still opening stopping the command before any run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResource } from '../../../drivers/open-resource.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { runBenchctl } from './run-benchctl.ts';

const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));
const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));

let dir: string;
let sim: VirtualBench;
const servers: Server[] = [];
const sockets: Socket[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-run-tcp-'));
  sim = new VirtualBench({ seed: 1, mode: 'fast' });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The simulator on loopback TCP and a bench file for it; `via` puts something between a role and its port. */
async function servedBench(via: Partial<Record<string, (resource: string) => Promise<string>>> = {}): Promise<{ bench: string; laser: string }> {
  const served = await sim.serveTcp({ portBase: 0 });
  const resources = Object.fromEntries(await Promise.all(sim.roles.map(async (r) => [r, await (via[r] ?? (async (x) => x))(served.resource(r))] as const)));
  const bench = join(dir, 'bench.yaml');
  writeFileSync(bench, simBenchFileYaml({ seed: 1, mode: 'fast', tcp: resources }));
  return { bench, laser: served.resource('laser') };
}

/**
 * A loopback relay to `resource` that holds back everything the instrument says until release() (a
 * slow box answering its identity): the client is stuck opening the bench meanwhile.
 */
async function heldRelay(resource: string): Promise<{ resource: string; connected: Promise<void>; release(): void }> {
  const [, host = '127.0.0.1', port = '0'] = /^TCPIP\d*::([^:]+)::(\d+)::SOCKET$/.exec(resource) ?? [];
  let held = true;
  const waiting: (() => void)[] = [];
  let onConnect: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server = createServer((client) => {
    const upstream = createConnection({ host, port: Number(port) });
    sockets.push(client, upstream);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => (held ? waiting.push(() => client.write(d)) : client.write(d)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    onConnect();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: relayPort } = server.address() as { port: number };
  return {
    resource: `TCPIP0::127.0.0.1::${relayPort}::SOCKET`,
    connected,
    release() {
      held = false;
      for (const w of waiting.splice(0)) w();
    },
  };
}

/** The laser's emission as the instrument itself reports it, asked over its own socket. */
async function laserOutput(resource: string): Promise<boolean> {
  const s = await openResource(resource, { timeout_ms: 2000 });
  try {
    return (await s.queryNumber(':SOUR0:POW:STAT?')) === 1;
  } finally {
    await s.close();
  }
}

const events = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);

describe('benchctl run over TCP', () => {
  it('aligns through the served simulator with a bench file, and leaves the laser off when it ends', async () => {
    const { bench, laser } = await servedBench();
    const r = await runBenchctl(['run', join(LIBRARY, 'align.yaml'), '--bench', bench, '--out', join(dir, 'runs'), '--json'], { timeout_ms: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = events(r.stdout);
    expect(ev.some((e) => e.type === 'point')).toBe(true);
    expect(ev.at(-1)).toMatchObject({ type: 'finished', passed: true });
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(1);
    // The sequence switched the laser on; the command's exit made the bench safe.
    expect(await laserOutput(laser)).toBe(false);
  }, 60_000);

  it('--reconnect-deadline: a meter that stops answering aborts the run after that long, not the sequence\'s minute', async () => {
    const { bench, laser } = await servedBench();
    const file = join(dir, 'hang.yaml');
    writeFileSync(file, 'sequence: hang\nmetadata: { dut: CHIP-H }\nrecovery: { deadline: 10min }\nsteps:\n' +
      '  - set: { laser.output: on }\n  - measure: { channels: [1], samples: 100000, interval: 50ms }\n');
    const child = spawn(process.execPath, [BENCHCTL, 'run', file, '--bench', bench, '--out', join(dir, 'runs'), '--json', '--reconnect-deadline', '1.5']);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (!out.includes('"type":"point"') && (out + d).includes('"type":"point"')) {
        // A hung box whose cable is then pulled: the link drops, and reconnecting finds nobody answering.
        sim.faults.stopAnswering('meter');
        sim.faults.dropConnection('meter');
      }
      out += d;
      // The reconnect has failed and the deadline is past: the meter may answer again for the safe states.
      if (out.includes('"type":"warning"')) sim.faults.clear();
    });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    const ev = events(out);
    expect(ev.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'meter', deadline_s: 1.5 });
    expect(ev.at(-1)).toMatchObject({ type: 'aborted', reason: 'instrument-lost', message: expect.stringMatching(/meter .* did not come back within 1\.5 s/) });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await laserOutput(laser)).toBe(false);
  }, 60_000);

  it('Ctrl-C while the bench is still opening: the command stops there, exit 2, no run folder', async () => {
    let laser: Awaited<ReturnType<typeof heldRelay>> | undefined;
    const { bench } = await servedBench({ laser: async (resource) => (laser = await heldRelay(resource)).resource });
    if (!laser) throw new Error('no relay');
    const file = join(dir, 'never.yaml');
    writeFileSync(file, 'sequence: never\nmetadata: { dut: CHIP-N }\nsteps:\n  - set: { laser.output: on }\n');
    const child = spawn(process.execPath, [BENCHCTL, 'run', file, '--bench', bench, '--out', join(dir, 'runs'), '--json']);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await laser.connected;
    child.kill('SIGINT');
    // The laser answers after the signal: the bench opens, and the command goes no further.
    const relay = laser;
    setTimeout(() => relay.release(), 300);
    expect(await closed).toBe(2);
    expect(err).toMatch(/benchctl: interrupted by SIGINT before the run started; nothing was run/);
    expect(out).toBe('');
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  }, 60_000);
});
