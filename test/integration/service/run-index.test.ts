// Runs land in the index through the service, on SQLite (the default, beside runs/) and on PostgreSQL;
// with the server stopped in the middle of a run, the run goes on, what is owed waits in the outbox, and
// once the server is back the index catches up with no row lost or doubled.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchService } from '../../../service/bench-service.ts';
import type { RunState } from '../../../service/run-types.ts';
import { BACKENDS } from '../runindex/index-backends.ts';

const SEQUENCE = `sequence: index-test
metadata: { dut: CHIP-9, lot: L7, wafer: W2, operator: tester }
steps:
  - set: { laser.wavelength: 1550nm, laser.power: 3dBm, laser.output: on, voa.output: on }
  - measure: { channels: [1, 2], samples: 3, interval: 1s }
  - wait: 2s
  - measure: { channels: [2], samples: 2, interval: 1s }
limits:
  - { measurement: power_ch2_dBm, step: measure, min: -40dBm }
`;

function whenPhase(service: BenchService, pred: (s: RunState) => boolean): Promise<RunState> {
  return new Promise((resolve) => {
    const off = service.on('runState', (s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}
const ended = (s: RunState) => ['passed', 'failed', 'aborted', 'error'].includes(s.phase);

describe.each(BACKENDS.map((make) => [make().name, make] as const))('the service indexes its runs on %s', (name, make) => {
  const backend = make();
  const dirs: string[] = [];
  afterAll(async () => {
    await backend.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('indexes a run as it goes and at its end, searchable at once; a server stopped mid-run loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchctl-svc-index-'));
    dirs.push(dir);
    const target = name === 'sqlite' ? undefined : await backend.fresh();
    const cluster = backend.cluster();
    const problems: string[] = [];
    const service = new BenchService({
      runsDir: join(dir, 'runs'), cwd: dir, monitor: { enabled: false }, laserWatch: { enabled: false },
      index: { ...(target ? { target } : {}), onProblem: (m) => problems.push(m), connectTimeout_ms: 1000, retryMax_ms: 300 },
    });
    try {
      await service.openBench({ kind: 'sim', seed: 1 });
      let halted: Promise<void> | null = null;
      const offPause = service.on('run', ({ event }) => {
        // Deterministic: the pause is asked from inside the event stream, which the engine emits synchronously.
        if (cluster && event.type === 'step-finished' && event.stepId === 'measure') void service.pauseRun();
      });
      const paused = whenPhase(service, (s) => s.phase === 'paused' || ended(s));
      const done = whenPhase(service, ended);
      const started = await service.startRun({ kind: 'text', name: 'index-test.yaml', text: SEQUENCE });
      if (cluster) {
        expect((await paused).phase).toBe('paused');
        halted = cluster.halt();
        await halted;
        await service.resumeRun();
      }
      const end = await done;
      offPause();
      expect(end.phase).toBe('passed');
      if (cluster) {
        await expect.poll(() => service.runIndex!.writer.status().lastError, { timeout: 10_000 }).not.toBeNull();
        expect(service.runIndex!.writer.pending()).toEqual([join(dir, 'runs', started.runId!)]);
        expect(problems.some((p) => /unreachable/.test(p))).toBe(true);
        await cluster.restart();
      } else {
        expect(existsSync(join(dir, 'runs.index.sqlite'))).toBe(true);
      }
      await expect.poll(() => service.runIndex!.writer.status().pending, { timeout: 15_000, interval: 100 }).toBe(0);
      const page = await service.searchRuns({ lot: 'L7' });
      expect(page.total).toBe(1);
      const run = page.runs[0]!;
      expect(run).toMatchObject({ runId: started.runId, dut: 'CHIP-9', lot: 'L7', wafer: 'W2', operator: 'tester', status: 'passed', passed: true, sequence: 'index-test' });
      const names = run.measurements.map((m) => `${m.step}:${m.name}`).sort();
      expect(new Set(names).size).toBe(names.length);
      expect(names).toContain('measure:power_ch2_dBm');
      expect(names).toContain('measure#2:power_ch2_dBm');
      expect(run.measurements.find((m) => m.step === 'measure' && m.name === 'power_ch2_dBm')).toMatchObject({ unit: 'dBm', min: -40, verdict: 'pass' });
      expect((await service.searchRuns({ where: 'power_ch2_dBm < -100' })).total).toBe(0);
      expect((await service.searchRuns({ where: 'power_ch2_dBm > -100' })).total).toBe(1);
      expect(await service.lotYield()).toEqual([{ lot: 'L7', runs: 1, passed: 1, failed: 0, unjudged: 0, yield: 1 }]);
      expect((await service.runTrend({ measurement: 'power_ch2_dBm' })).map((p) => p.step)).toEqual(['measure', 'measure#2']);
      const info = await service.indexInfo();
      expect(info).toMatchObject({ pending: 0, lastError: null });
      expect(info.index).toMatch(name === 'sqlite' ? /^SQLite .*runs\.index\.sqlite$/ : /^PostgreSQL postgresql:/);
      await expect(service.searchRuns({ where: 'power_ch2_dBm >> 3' })).rejects.toThrow(/--where 'power_ch2_dBm >> 3': .* does not end in a plain number/);
      await expect(service.searchRuns({ since: 'last tuesday' })).rejects.toThrow(/since: expected a date .*got 'last tuesday'/);
      await expect(service.searchRuns({ status: 'good' })).rejects.toThrow(/status: expected one of passed, failed, aborted, error, running, got 'good'/);
    } finally {
      await service.shutdown();
    }
  }, 90_000);
}, 120_000);

describe('a service without an index', () => {
  it('refuses the History search naming why, and says it keeps none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchctl-noindex-'));
    const service = new BenchService({ runsDir: join(dir, 'runs'), monitor: { enabled: false }, laserWatch: { enabled: false }, index: false });
    try {
      await expect(service.searchRuns({})).rejects.toThrow(/searchRuns: this service keeps no run index/);
      expect(await service.indexInfo()).toEqual({ index: null, pending: 0, lastError: null, measurements: [] });
      expect(existsSync(join(dir, 'runs.index.sqlite'))).toBe(false);
    } finally {
      await service.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
