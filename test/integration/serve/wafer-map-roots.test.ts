// Where a wafer loop's map may come from, through the service and its bridge as the browser uses them: an
// uploaded sequence reads maps only from the library's maps folder and the folders the service allows (its
// own folder here), a path-loaded one relative to itself inside them. `../`, absolute paths and symbolic
// links out are refused naming the map and the allowed folders, before any instrument is touched: the
// outside map is a valid copy of the wafer's, so without the check these runs would start.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeClient, type SocketLike } from '../../../renderer/bridge/bridge-client.ts';
import type { BenchBridge, RunEvent } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import type { RunState } from '../../../service/run-types.ts';
import { BridgeServer } from '../../../service/web/bridge-server.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'e2e', 'fixtures');
const SEQUENCE = readFileSync(join(FIXTURES, 'wafer-small.yaml'), 'utf8');
const MAP_LINE = 'wafer: maps/wafer-small.csv';

let dir: string;
let work: string;
let library: string;
let outside: string;
let service: BenchService;
let server: BridgeServer;
let client: BridgeClient;
let bench: BenchBridge;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'v15r-wafer-roots-'));
  // The service's folder holds no maps of its own: an uploaded `maps/...` is the library's.
  work = join(dir, 'work');
  library = join(dir, 'library');
  outside = join(dir, 'outside');
  mkdirSync(work);
  cpSync(join(FIXTURES, 'maps'), join(library, 'maps'), { recursive: true });
  cpSync(join(FIXTURES, 'maps'), join(outside, 'maps'), { recursive: true });
  // A sequence in a subfolder of the service's folder, its map beside it.
  mkdirSync(join(work, 'lot7'));
  writeFileSync(join(work, 'lot7', 'wafer-small.yaml'), SEQUENCE);
  cpSync(join(FIXTURES, 'maps'), join(work, 'lot7', 'maps'), { recursive: true });
  symlinkSync(outside, join(work, 'shared'));
  service = new BenchService({ runsDir: join(work, 'runs'), libraryDir: library, cwd: work, roots: [work], monitor: { enabled: false } });
  server = await BridgeServer.start({ service, port: 0, staticDir: null });
  client = new BridgeClient({ url: server.bridgeUrl, createSocket: (u) => new WebSocket(u, { headers: { Authorization: `Bearer ${server.token}` } }) as unknown as SocketLike });
  await client.connect();
  bench = client.bridge();
  await bench.openBench({ kind: 'sim', seed: 3, world: 'wafer' });
});

afterEach(async () => {
  client.close();
  await server.close();
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function withMap(map: string): string {
  expect(SEQUENCE).toContain(MAP_LINE);
  return SEQUENCE.replace(MAP_LINE, `wafer: ${map}`);
}

async function runToEnd(start: () => Promise<RunState>): Promise<{ state: RunState; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const off = bench.on('run', ({ event }) => events.push(event));
  const done = new Promise<RunState>((resolve) => {
    const stop = bench.on('runState', (s) => {
      if (['passed', 'failed', 'aborted', 'error'].includes(s.phase)) {
        stop();
        resolve(s);
      }
    });
  });
  await start();
  const state = await done;
  off();
  return { state, events };
}

function expectWaferRan(events: RunEvent[]): void {
  const maps = events.filter((e): e is Extract<RunEvent, { type: 'wafer-map' }> => e.type === 'wafer-map');
  expect(maps.map((m) => m.wafer)).toEqual(['wafer-small']);
  expect(events.filter((e) => e.type === 'die-finished')).toHaveLength(6);
}

describe('wafer maps of sequences the service loads', () => {
  it('runs an uploaded sequence whose map is the library\'s (maps/... found in the library when the service folder has none)', async () => {
    const { state, events } = await runToEnd(() => bench.startRun({ kind: 'text', name: 'wafer-small.yaml', text: SEQUENCE }));
    expect(state.phase).toBe('passed');
    expectWaferRan(events);
    // The same map named by its absolute path inside the library is allowed too.
    const abs = await bench.loadSequence({ kind: 'text', name: 'abs.yaml', text: withMap(join(library, 'maps', 'wafer-small.csv')) });
    expect(abs.ok).toBe(true);
  }, 120_000);

  it('refuses ../, absolute and symlinked map paths out of the allowed folders, naming the map and the folders, before any instrument is touched', async () => {
    const laser = await bench.laserState();
    const stage = await bench.stageState();
    const live: RunEvent[] = [];
    bench.on('run', ({ event }) => live.push(event));
    const allowed = `expected a map inside ${join(library, 'maps')}, ${work}`;
    for (const map of ['../outside/maps/wafer-small.csv', '../../../../../../../../etc/benchctl-none.csv', join(outside, 'maps', 'wafer-small.csv'), 'shared/maps/wafer-small.csv']) {
      const err = await bench.startRun({ kind: 'text', name: 'evil.yaml', text: withMap(map) }).then(() => null, (e: unknown) => e as Error);
      expect(err, map).toMatchObject({ name: 'SequenceRejectedError' });
      expect(err?.message, map).toContain(`wafer map ${map} (`);
      expect(err?.message, map).toContain('is outside the folders maps may be read from in an uploaded sequence (evil.yaml, sent as text)');
      expect(err?.message, map).toContain(allowed);
      // Validation says the same, located at the loop's line.
      const v = await bench.loadSequence({ kind: 'text', name: 'evil.yaml', text: withMap(map) });
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.issues.find((i) => i.message.includes(`wafer map ${map} (`))).toMatchObject({ field: 'steps[1].loop.wafer', line: 16 });
    }
    expect(live).toEqual([]);
    expect((await bench.runState()).runId).toBeNull();
    expect(await bench.laserState()).toEqual(laser);
    expect(laser.output).toBe(false);
    expect(await bench.stageState()).toEqual(stage);
  }, 60_000);

  it('runs a sequence loaded by path from an allowed folder with its map relative to itself; refuses an override pointing the map out', async () => {
    const { state, events } = await runToEnd(() => bench.startRun({ kind: 'file', path: 'lot7/wafer-small.yaml' }));
    expect(state.phase).toBe('passed');
    expectWaferRan(events);
    // A parameter naming the map is a path the client chose: checked the same way.
    writeFileSync(join(work, 'lot7', 'by-param.yaml'), withMap('$map').replace('metadata:', 'parameters:\n  map: maps/wafer-small.csv\nmetadata:'));
    expect(await bench.loadSequence({ kind: 'file', path: 'lot7/by-param.yaml' })).toMatchObject({ ok: true });
    const out = await bench.loadSequence({ kind: 'file', path: 'lot7/by-param.yaml', set: { map: '../../outside/maps/wafer-small.csv' } });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.issues.map((i) => i.message).join('\n')).toMatch(/wafer map \.\.\/\.\.\/outside\/maps\/wafer-small\.csv \(.*\) is outside the folders maps may be read from in a sequence loaded by the service \(lot7\/by-param\.yaml\)/);
  }, 120_000);
});

describe('wafer maps of runs the service resumes', () => {
  /** Starts a run and aborts it (as a crash would stop it) once its first die is finished. */
  async function interrupted(source: Parameters<BenchBridge['startRun']>[0]): Promise<string> {
    const off = bench.on('run', ({ event }) => {
      if (event.type === 'die-finished') void bench.abortRun({ message: 'simulated crash' });
    });
    const { state } = await runToEnd(() => bench.startRun(source));
    off();
    expect(state).toMatchObject({ phase: 'aborted', message: 'simulated crash' });
    return state.runId ?? '';
  }

  /** Replaces a map by a link to the outside copy (a valid map of the same wafer). */
  function swapForLink(map: string): void {
    rmSync(map);
    symlinkSync(join(outside, 'maps', 'wafer-small.csv'), map);
  }

  it('refuses to resume a run whose map was swapped for a link out of the allowed folders, naming it, with nothing touched; resumes once it is back', async () => {
    const cases = [
      { source: { kind: 'file', path: 'lot7/wafer-small.yaml' } as const, map: join(work, 'lot7', 'maps', 'wafer-small.csv'), named: 'lot7/wafer-small.yaml' },
      { source: { kind: 'text', name: 'up.yaml', text: SEQUENCE } as const, map: join(library, 'maps', 'wafer-small.csv'), named: 'sent as text as up.yaml' },
    ];
    for (const c of cases) {
      const runId = await interrupted(c.source);
      const journal = readFileSync(join(work, 'runs', runId, 'journal.jsonl'), 'utf8');
      const original = readFileSync(c.map);
      swapForLink(c.map);
      const laser = await bench.laserState();
      const stage = await bench.stageState();
      const live: RunEvent[] = [];
      const off = bench.on('run', ({ event }) => live.push(event));
      const err = await bench.resumeRun({ runId }).then(() => null, (e: unknown) => e as Error);
      off();
      expect(err, c.named).toMatchObject({ name: 'SequenceRejectedError' });
      expect(err?.message).toMatch(/^resumeRun: the sequence does not validate/);
      expect(err?.message).toContain('wafer map maps/wafer-small.csv (');
      expect(err?.message).toContain(`is outside the folders maps may be read from in a run the service resumes (${runId}, `);
      expect(err?.message).toContain(c.named);
      expect(err?.message).toContain(`expected a map inside ${join(library, 'maps')}, ${work}`);
      expect(live).toEqual([]);
      expect(await bench.laserState()).toEqual(laser);
      expect(laser.output).toBe(false);
      expect(await bench.stageState()).toEqual(stage);
      expect(readFileSync(join(work, 'runs', runId, 'journal.jsonl'), 'utf8')).toBe(journal);
      expect((await bench.runState()).phase).toBe('aborted');
      // The map back: the same run resumes and finishes its dies (the refusal was the check, not the run).
      rmSync(c.map);
      writeFileSync(c.map, original);
      const { state, events } = await runToEnd(() => bench.resumeRun({ runId }));
      expect(state, c.named).toMatchObject({ phase: 'passed', runId });
      expect(events.filter((e) => e.type === 'die-finished').length).toBeGreaterThan(0);
      expect((await bench.openRun({ runId })).record).toMatchObject({ status: 'passed', resumed: [expect.any(String)] });
    }
  }, 240_000);
});
