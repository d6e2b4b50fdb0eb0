// A wafer run through the service on the simulated wafer lands in its run index with its die-sites: the
// History search (searchRuns) finds it by die and site, with each pass's bin (GHOST no light, reprobed).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BenchService } from '../../../service/bench-service.ts';
import type { RunState } from '../../../service/run-types.ts';

const LIBRARY = fileURLToPath(new URL('../../../sequences/library/', import.meta.url));

describe('a wafer run in the service', () => {
  it('is searchable by die and site in the run index, with every pass of each die-site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchctl-wafer-svc-'));
    mkdirSync(join(dir, 'maps'));
    const map = join(dir, 'maps', 'three.csv');
    writeFileSync(map, [
      '# wafer: three', '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# centre: 12500um, 12500um', '# site A: -375um, 0um',
      'die,col,row,x_um,y_um,status', 'C08R08,8,8,,,reference', 'C11R10,11,10,,,reference', 'C09R08,9,8,,,test', 'GHOST,13,9,16000,12500,test', '',
    ].join('\n'));
    const text = readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8').replaceAll('maps/wafer-a.csv', map).replace('sites: [A, B]', 'sites: [A], reprobe: [2]');
    const service = new BenchService({ runsDir: join(dir, 'runs'), cwd: dir, monitor: { enabled: false }, laserWatch: { enabled: false }, index: {} });
    try {
      await service.openBench({ kind: 'sim', seed: 1, world: 'wafer' });
      const ended = new Promise<RunState>((resolve) => {
        const off = service.on('runState', (s) => {
          if (['passed', 'failed', 'aborted', 'error'].includes(s.phase)) {
            off();
            resolve(s);
          }
        });
      });
      await service.startRun({ kind: 'text', name: 'three.yaml', text });
      expect((await ended).phase).toBe('passed');
      await expect.poll(async () => (await service.searchRuns({ die: 'GHOST' })).runs[0]?.dieSites?.length ?? 0, { timeout: 20_000 }).toBe(2);
      const ghost = (await service.searchRuns({ die: 'GHOST', site: 'A' })).runs;
      expect(ghost).toHaveLength(1);
      expect(ghost[0]!.wafer).toBe('three');
      expect(ghost[0]!.dieSites!.map((d) => [d.pass, d.bin, d.binName])).toEqual([[1, 2, 'no light'], [2, 2, 'no light']]);
      const good = (await service.searchRuns({ die: 'C09R08', measurements: ['power_dBm'] })).runs[0]!;
      expect(good.dieSites!.map((d) => [d.site, d.pass, d.bin])).toEqual([['A', 1, 1]]);
      expect(good.measurements.filter((m) => m.die === 'C09R08').map((m) => m.step)).toEqual(['wafer[C09R08.A]/align']);
      expect((await service.searchRuns({ die: 'C09R08', site: 'B' })).total).toBe(0);
    } finally {
      await service.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
