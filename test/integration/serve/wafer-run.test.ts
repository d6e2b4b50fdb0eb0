// A wafer run through the service as the browser sees it: the bridge client (window.bench over the WebSocket)
// opens the simulated wafer (world: 'wafer'), runs the small fixture wafer by path (its `wafer:` map relative to
// the sequence file) and as uploaded text (relative to the service's folder), and gets the 'wafer-map' event
// once, then one 'die-finished' per die-site with the die's name and bin, live and on catch-up. A client's abort mid-wafer
// stops it (the engine yields to the event loop between steps).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient, type SocketLike } from '../../../renderer/bridge/bridge-client.ts';
import type { BenchBridge, RunEvent } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import { BridgeServer } from '../../../service/web/bridge-server.ts';
import type { RunState } from '../../../service/run-types.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'e2e', 'fixtures');
const DIES = ['C08R08', 'C10R08', 'C08R09', 'C09R09', 'C10R09', 'C09R08'];

let dir: string;
let service: BenchService;
let server: BridgeServer;
let client: BridgeClient;
let bench: BenchBridge;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'v15r-wafer-serve-'));
  cpSync(join(FIXTURES, 'wafer-small.yaml'), join(dir, 'wafer-small.yaml'));
  cpSync(join(FIXTURES, 'maps'), join(dir, 'maps'), { recursive: true });
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), cwd: dir, monitor: { enabled: false } });
  server = await BridgeServer.start({ service, port: 0, staticDir: null });
  client = new BridgeClient({ url: server.bridgeUrl, createSocket: (u) => new WebSocket(u, { headers: { Authorization: `Bearer ${server.token}` } }) as unknown as SocketLike });
  await client.connect();
  bench = client.bridge();
});

afterEach(async () => {
  client.close();
  await server.close();
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function ended(): Promise<RunState> {
  return new Promise((resolve) => {
    const off = bench.on('runState', (s) => {
      if (['passed', 'failed', 'aborted', 'error'].includes(s.phase)) {
        off();
        resolve(s);
      }
    });
  });
}

type Finished = Extract<RunEvent, { type: 'die-finished' }>;

function checkWafer(events: RunEvent[]): void {
  const maps = events.filter((e) => e.type === 'wafer-map');
  expect(maps).toHaveLength(1);
  const map = maps[0] as Extract<RunEvent, { type: 'wafer-map' }>;
  expect(map.wafer).toBe('wafer-small');
  expect(map.dies.map((d) => d.die).sort()).toEqual([...DIES].sort());
  expect(map.siteOffsets_um).toEqual({ A: { x: -375, y: 0 }, B: { x: -125, y: 0 } });
  expect(map.flat_deg).toBe(270);
  const finished = events.filter((e): e is Finished => e.type === 'die-finished');
  // Reference dies first, then serpentine: row 8 left to right, row 9 right to left.
  expect(finished.map((e) => e.die)).toEqual(['C08R08', 'C10R08', 'C09R08', 'C10R09', 'C09R09', 'C08R09']);
  expect(finished.every((e) => e.site === 'A')).toBe(true);
  const bins = Object.fromEntries(finished.map((e) => [e.die, [e.bin, e.binName]]));
  expect(bins['C10R09']).toEqual([2, 'no light']);
  for (const d of DIES.filter((x) => x !== 'C10R09')) expect(bins[d], d).toEqual([1, 'good']);
  const good = finished.find((e) => e.die === 'C09R08') as Finished;
  expect(good.stepIds).toEqual(['wafer[C09R08.A]/goto', 'wafer[C09R08.A]/align', 'wafer[C09R08.A]/sweep']);
  expect(good.measurements['align.power_dBm']?.value).toBeGreaterThan(-25);
  // Predicted from the two reference dies: a residual of a few µm, not the placement's tens.
  expect(Math.hypot(good.prediction?.residual_um?.x ?? 99, good.prediction?.residual_um?.y ?? 99)).toBeLessThan(10);
}

describe('a wafer run through the service and its bridge', () => {
  it('opens the simulated wafer and runs the fixture by path: wafer-map, then each die-site finished with its bin', async () => {
    const status = await bench.openBench({ kind: 'sim', seed: 3, world: 'wafer' });
    expect(status.source).toMatchObject({ kind: 'sim', world: 'wafer' });
    const live: RunEvent[] = [];
    bench.on('run', ({ event }) => live.push(event));
    const done = ended();
    await bench.startRun({ kind: 'file', path: 'wafer-small.yaml' });
    expect((await done).phase).toBe('passed');
    checkWafer(live);
    // A window that joins later catches up on the same events.
    checkWafer((await bench.runEvents({ since: 0 })).events);
  }, 120_000);

  it('runs it uploaded as text, the map relative to the service\'s folder', async () => {
    await bench.openBench({ kind: 'sim', seed: 3, world: 'wafer' });
    const live: RunEvent[] = [];
    bench.on('run', ({ event }) => live.push(event));
    const done = ended();
    await bench.startRun({ kind: 'text', name: 'wafer-small.yaml', text: readFileSync(join(dir, 'wafer-small.yaml'), 'utf8') });
    expect((await done).phase).toBe('passed');
    checkWafer(live);
  }, 120_000);

  it('refuses a wafer loop on the simulator\'s chip world, saying how to open the wafer world, before anything moves', async () => {
    await bench.openBench({ kind: 'sim', seed: 3 });
    const live: RunEvent[] = [];
    bench.on('run', ({ event }) => live.push(event));
    await expect(bench.startRun({ kind: 'file', path: 'wafer-small.yaml' })).rejects.toMatchObject({
      name: 'SequenceRejectedError', message: expect.stringMatching(/wafer loop \(map wafer-small\.csv\) needs the simulator's wafer world.*World: wafer.*--world wafer/s),
    });
    expect(live).toEqual([]);
    expect((await bench.runState()).runId).toBeNull();
  });

  it('lets a client abort mid-wafer: the run yields to the event loop between steps, even on the fast clock', async () => {
    await bench.openBench({ kind: 'sim', seed: 3, world: 'wafer' });
    const finished: string[] = [];
    let aborting: Promise<unknown> | null = null;
    // The client hears of the first die over the WebSocket and asks to abort: both need turns of the event
    // loop while the run goes on (a run that never yields would end first, 'passed', all six dies done).
    bench.on('run', ({ event }) => {
      if (event.type !== 'die-finished') return;
      finished.push(event.die);
      aborting ??= bench.abortRun({ message: 'operator stop' });
    });
    const done = ended();
    await bench.startRun({ kind: 'file', path: 'wafer-small.yaml' });
    expect((await done).phase).toBe('aborted');
    await aborting;
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(6);
  }, 120_000);
});
