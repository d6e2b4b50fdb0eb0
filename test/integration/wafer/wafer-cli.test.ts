// `benchctl run` of a small wafer on the simulated wafer (--sim picks it for a wafer loop): records (dies.csv,
// kgd map, run.json wafer), bins (a die placed where no grating is has no light and the run goes on),
// first light skipped at predicted starts, a reprobe pass over bin 2 (GHOST measured again, from scratch,
// and still no light), validation naming a die off the stage and a bad reprobe, and a SIGKILL mid-wafer
// resumed at the next die with no die-site measured twice.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { runBenchctl } from '../cli/run-benchctl.ts';

const BENCHCTL = fileURLToPath(new URL('../../../bin/benchctl.js', import.meta.url));
const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-wafer-'));
  mkdirSync(join(dir, 'maps'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const DIES = ['C08R08', 'C09R08', 'C10R08', 'C11R08', 'C08R10', 'C09R10', 'C10R10', 'C11R10'];
/** Eight dies of wafer-a, and GHOST half a pitch off any die: no grating under it. */
function writeSmallWafer(extra = '', reprobe = ''): string {
  const rows = DIES.map((d) => `${d},${Number(d.slice(1, 3))},${Number(d.slice(4))},,,${d === 'C08R08' || d === 'C11R10' ? 'reference' : 'test'}`);
  writeFileSync(join(dir, 'maps', 'small.csv'), [
    '# wafer: small', '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# centre: 12500um, 12500um',
    '# site A: -375um, 0um', '# site B: -125um, 0um', 'die,col,row,x_um,y_um,status', ...rows, 'GHOST,13,9,16000,12500,test', extra, '',
  ].join('\n'));
  const seq = readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8').replaceAll('maps/wafer-a.csv', 'maps/small.csv')
    // One site per die keeps the test's wall time down on a busy machine.
    .replace('sites: [A, B]', `sites: [A]${reprobe ? `, reprobe: ${reprobe}` : ''}`);
  const file = join(dir, 'small.yaml');
  writeFileSync(file, seq);
  return file;
}

function onlyRunFolder(): string {
  const runs = readdirSync(join(dir, 'runs'));
  expect(runs).toHaveLength(1);
  return join(dir, 'runs', runs[0] as string);
}

function diesCsv(folder: string): Record<string, string>[] {
  return parse(readFileSync(join(folder, 'dies.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
}

describe('benchctl run on a wafer', () => {
  it('runs the wafer on --sim: dies.csv, kgd map, run.json wafer, bins, first light skipped at predictions, a reprobe of bin 2', async () => {
    const file = writeSmallWafer('', '[2]');
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs'), '--json'], { timeout_ms: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events.filter((e) => e.type === 'wafer-map')).toHaveLength(1);
    const finished = events.filter((e) => e.type === 'die-finished');
    expect(finished).toHaveLength(10);
    expect(finished.filter((e) => e.reprobe === true).map((e) => [e.die, e.bin, e.pass])).toEqual([['GHOST', 2, 2]]);
    const folder = onlyRunFolder();
    const rows = diesCsv(folder);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ die: 'C08R08', die_x: '8', die_y: '8', site: 'A' });
    expect(Object.keys(rows[0] as object)).toEqual(expect.arrayContaining(['align.power_dBm', 'sweep.peakLoss_dB', 'passed', 'bin', 'bin_name']));
    // GHOST twice: the first pass and the reprobe, which searched from scratch (no light there before).
    const ghost = rows.filter((x) => x.die === 'GHOST');
    expect(ghost.map((x) => [x.bin, x.bin_name, x.passed, x.reprobe, x.pass])).toEqual([['2', 'no light', 'false', 'false', '1'], ['2', 'no light', 'false', 'true', '2']]);
    expect(ghost[1]?.first_light_skipped).toBe('false');
    expect(rows.at(-1)?.die).toBe('GHOST');
    const good = rows.filter((x) => x.die !== 'GHOST');
    expect(good.every((x) => x.bin === '1')).toBe(true);
    // After the first three die-sites, first light was skipped at every predicted start.
    expect(good.slice(3).every((x) => x.first_light_skipped === 'true')).toBe(true);
    expect(good[0]?.first_light_skipped).toBe('');
    const kgd = readFileSync(join(folder, 'kgd.txt'), 'utf8');
    expect(kgd).toMatch(/R08 1111/);
    expect(kgd).toMatch(/8 good of 9 measured dies/);
    const run = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
    expect(run.wafer?.results).toHaveLength(10);
    expect(run.wafer?.results.at(-1)?.stepIds).toEqual(['wafer[GHOST.A]/reprobe1/goto', 'wafer[GHOST.A]/reprobe1/align', 'wafer[GHOST.A]/reprobe1/sweep']);
    expect(run.wafer?.map.dies.find((d) => d.die === 'GHOST')).toBeTruthy();
    expect(Math.abs(run.wafer?.placement?.offset_um.x ?? 0)).toBeGreaterThan(0);
    expect(run.wafer?.placement?.sites).toBe(8);
  }, 320_000);

  it('refuses a map whose die lies outside the stage soft limits, naming the die, before anything moves', async () => {
    // Its site A lies at 25 025 µm, past the stage's 25 000 µm travel.
    const file = writeSmallWafer('EDGE,24,9,25400,12000,test');
    const r = await runBenchctl(['run', file, '--sim', '--out', join(dir, 'runs')], { timeout_ms: 100_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/die EDGE\b.*outside the stage/);
  }, 120_000);

  it('refuses a reprobe of an unknown bin at validation, naming the field', async () => {
    const file = writeSmallWafer('', '{ bins: [2, 9], max: 1 }');
    const r = await runBenchctl(['validate', file], { timeout_ms: 100_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reprobe\.bins\[1\].*unknown bin 9; expected one of 2 \(no light\), 3 \(failed limits\), 4 \(step error\)/s);
  }, 120_000);

  it('resumes a SIGKILLed wafer at the next die with no die-site measured twice', async () => {
    const file = writeSmallWafer();
    mkdirSync(join(dir, 'runs'));
    const child = spawn(process.execPath, [BENCHCTL, 'run', file, '--sim', '--out', join(dir, 'runs'), '--json']);
    children.push(child);
    // Killed once five die-sites are in dies.csv (the file is rewritten atomically after each).
    const runs = join(dir, 'runs');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const folder = readdirSync(runs, { withFileTypes: true }).find((e) => e.isDirectory());
        const csv = folder ? join(runs, folder.name, 'dies.csv') : '';
        if (csv && existsSync(csv) && diesCsv(join(runs, folder!.name)).length >= 5) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const folder = onlyRunFolder();
    const before = diesCsv(folder).length;
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(9);
    const r = await runBenchctl(['resume', folder, '--json'], { timeout_ms: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const again = r.stdout.split('\n').filter((l) => l.includes('"type":"die-finished"')).length;
    expect(again).toBe(9 - before);
    const rows = diesCsv(folder);
    const keys = rows.map((x) => `${x.die}.${x.site}`);
    expect(keys).toHaveLength(9);
    expect(new Set(keys).size).toBe(9);
  }, 620_000);
});
