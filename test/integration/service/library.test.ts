// The repository's sequence library through the service, as the Sequence view uses it: every sequence
// loads and plans against the simulated bench, and the short align sequence runs to a verdict with its
// points and fit pushed as events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import type { RunState } from '../../../service/run-types.ts';

let dir: string;
let service: BenchService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'g1-library-'));
  service = new BenchService({ runsDir: join(dir, 'runs'), monitor: { enabled: false } });
  await service.openBench({ kind: 'sim', seed: 1 });
});

afterAll(async () => {
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the sequence library', () => {
  it('lists the library and every sequence validates and plans against the simulated bench', async () => {
    const list = await service.listSequences();
    expect(list.map((s) => s.name)).toContain('align');
    for (const entry of list) {
      const r = await service.loadSequence({ kind: 'library', name: entry.name });
      expect(r.ok ? [] : r.issues, entry.name).toEqual([]);
      if (r.ok) {
        expect(r.sequence.benchChecked).toBe(true);
        expect(r.sequence.estimate_s).toBeGreaterThan(0);
      }
    }
  });

  it('runs align: points and a fit arrive as events, the run gets a verdict and a run folder', async () => {
    const events: RunEvent[] = [];
    service.on('run', ({ event }) => events.push(event));
    const done = new Promise<RunState>((resolve) => {
      service.on('runState', (s) => {
        if (['passed', 'failed', 'aborted', 'error'].includes(s.phase)) resolve(s);
      });
    });
    const { runId } = await service.startRun({ kind: 'library', name: 'align' });
    const final = await done;
    expect(final.phase).toBe('passed');
    expect(events.filter((e) => e.type === 'point').length).toBeGreaterThan(50);
    expect(events.some((e) => e.type === 'fit')).toBe(true);
    const run = (await service.listRuns()).find((r) => r.runId === runId);
    expect(run?.status).toBe(final.phase);
    expect(run?.files.length).toBeGreaterThan(0);
  });
});
