// A wafer over TCP: `benchctl sim --world wafer` as a child process on loopback ports with its written bench
// file, and `benchctl run` of a small wafer sequence against it (the drivers, not --sim's in-process bench):
// dies.csv rows and bins, the placement learned, first light skipped at predicted starts, and GHOST (no
// grating under it) binned no light and reprobed.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { runBenchctl } from '../cli/run-benchctl.ts';
import { startSim, type SimProcess } from '../sim/sim-process.ts';

const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));
const DIES = ['C08R08', 'C09R08', 'C10R08', 'C11R08', 'C11R10'];

let dir: string | undefined;
let sim: SimProcess | undefined;
afterEach(async () => {
  await sim?.kill();
  sim = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a wafer over TCP', () => {
  it('runs against `benchctl sim --world wafer` with its bench file: dies.csv rows, bins, prediction, reprobe', async () => {
    dir = mkdtempSync(join(tmpdir(), 'benchctl-wafer-tcp-'));
    const benchFile = join(dir, 'bench.yaml');
    sim = await startSim(['--world', 'wafer', '--port-base', '0', '--seed', '1', '--no-pty', '--write-bench', benchFile]);
    mkdirSync(join(dir, 'maps'));
    const rows = DIES.map((d) => `${d},${Number(d.slice(1, 3))},${Number(d.slice(4))},,,${d === 'C08R08' || d === 'C11R10' ? 'reference' : 'test'}`);
    writeFileSync(join(dir, 'maps', 'small.csv'), [
      '# wafer: small', '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# centre: 12500um, 12500um',
      '# site A: -375um, 0um', 'die,col,row,x_um,y_um,status', ...rows, 'GHOST,13,9,16000,12500,test', '',
    ].join('\n'));
    const seq = join(dir, 'small.yaml');
    writeFileSync(seq, readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8').replaceAll('maps/wafer-a.csv', 'maps/small.csv')
      .replace('sites: [A, B]', 'sites: [A], reprobe: [2]'));

    const out = join(dir, 'runs');
    const r = await runBenchctl(['run', seq, '--bench', benchFile, '--out', out, '--json'], { timeout_ms: 400_000 });
    expect(r.code, r.stderr).toBe(0);
    const finished = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown }).filter((e) => e.type === 'die-finished');
    expect(finished).toHaveLength(DIES.length + 2);

    const [folder] = readdirSync(out);
    const csv = parse(readFileSync(join(out, folder as string, 'dies.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(csv.map((x) => [x.die, x.site, x.bin, x.pass])).toEqual([
      // Reference dies first, then serpentine along row 8; GHOST last of the first pass, then its reprobe.
      ['C08R08', 'A', '1', '1'], ['C11R10', 'A', '1', '1'], ['C09R08', 'A', '1', '1'], ['C10R08', 'A', '1', '1'], ['C11R08', 'A', '1', '1'],
      ['GHOST', 'A', '2', '1'], ['GHOST', 'A', '2', '2'],
    ]);
    const good = csv.filter((x) => x.bin === '1');
    expect(good.every((x) => Number(x['align.power_dBm']) > -25 && Number(x['sweep.peakLoss_dB']) < 14)).toBe(true);
    expect(good.slice(2).every((x) => x.first_light_skipped === 'true')).toBe(true);
    const run = JSON.parse(readFileSync(join(out, folder as string, 'run.json'), 'utf8')) as RunRecord;
    expect(run.bench.simulated).toBe(false);
    expect(run.wafer?.placement?.sites).toBe(DIES.length);
    expect(readFileSync(join(out, folder as string, 'kgd.txt'), 'utf8')).toMatch(/5 good of 6 measured dies/);

    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
  }, 420_000);
});
