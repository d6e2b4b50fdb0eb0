// `benchctl run --bench FILE` against the simulator served on loopback TCP: the same sequence, through
// sockets, as against real instruments.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import { VirtualBench } from '../../../sim/virtual-bench.ts';
import { runBenchctl } from './run-benchctl.ts';

const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));

let dir: string;
let sim: VirtualBench;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-run-tcp-'));
  sim = new VirtualBench({ seed: 1, mode: 'fast' });
});
afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('benchctl run over TCP', () => {
  it('aligns through the served simulator with a bench file', async () => {
    const served = await sim.serveTcp({ portBase: 0 });
    const bench = join(dir, 'bench.yaml');
    writeFileSync(bench, simBenchFileYaml({ seed: 1, mode: 'fast', tcp: Object.fromEntries(sim.roles.map((r) => [r, served.resource(r)])) }));
    const r = await runBenchctl(['run', join(LIBRARY, 'align.yaml'), '--bench', bench, '--out', join(dir, 'runs'), '--json'], { timeout_ms: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    expect(events.at(-1)).toMatchObject({ type: 'finished', passed: true });
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(1);
  }, 60_000);
});
