// Continuing an interrupted run through BenchService (resumeRun with a run id), as `benchctl resume` and
// the UI's history do: into the same records with no duplicate or missing row, on the open bench or on the
// one the run was started on; and every refusal named.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../service/bench-api.ts';
import { BenchService } from '../../../service/bench-service.ts';
import type { RunState, SequenceSource } from '../../../service/run-types.ts';

const SEQUENCE = `sequence: resume-test
metadata: { dut: CHIP-R, operator: tester }
steps:
  - set: { laser.wavelength: 1550nm, laser.output: on }
  - measure: { channels: [1, 2], samples: 12, interval: 1s }
  - log: done
`;
const source: SequenceSource = { kind: 'text', name: 'resume-test.yaml', text: SEQUENCE };

let dir: string;
let service: BenchService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'f7-resume-'));
  service = new BenchService({ runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), cwd: dir, monitor: { enabled: false }, laserWatch: { enabled: false } });
  await service.openBench({ kind: 'sim', seed: 4 });
});

afterEach(async () => {
  await service.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function ended(): Promise<RunState> {
  return new Promise((resolve) => {
    const off = service.on('runState', (s) => {
      if (s.runId !== null && ['passed', 'failed', 'aborted', 'error'].includes(s.phase)) {
        off();
        resolve(s);
      }
    });
  });
}

/** Starts the sequence and aborts it (as a crash would stop it) at its `at`-th point. */
async function interrupted(at: number): Promise<string> {
  let points = 0;
  const off = service.on('run', ({ event }) => {
    if (event.type === 'point' && ++points === at) void service.abortRun({ message: 'simulated crash' });
  });
  const done = ended();
  const { runId } = await service.startRun(source);
  const final = await done;
  off();
  expect(final).toMatchObject({ phase: 'aborted', message: 'simulated crash' });
  return runId ?? '';
}

const rows = (runId: string) => parse(readFileSync(join(dir, 'runs', runId, 'power.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];

describe('resumeRun with a run id', () => {
  it('continues an interrupted run on the open bench: the bench put back, then every row once', async () => {
    const runId = await interrupted(7);
    expect(rows(runId).length).toBeGreaterThanOrEqual(6);
    const events: RunEvent[] = [];
    service.on('run', ({ event }) => events.push(event));
    const done = ended();
    const state = await service.resumeRun({ runId });
    expect(state).toMatchObject({ phase: 'running', runId, sequence: 'resume-test', dut: 'CHIP-R', stepCount: 3 });
    expect((await service.benchStatus()).runId).toBe(runId);
    expect(await done).toMatchObject({ phase: 'passed', passed: true });
    expect(events[0]).toMatchObject({ type: 'run-started', resumed: true, completed: ['set'] });
    expect(events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message)).toContain('resuming: applying again laser.wavelength=1550, laser.output=true');
    const written = rows(runId).map((r) => `${r['sample']}/${r['channel']}`);
    expect(written).toEqual(Array.from({ length: 12 }, (_, s) => [`${s}/1`, `${s}/2`]).flat());
    const record = (await service.openRun({ runId })).record;
    expect(record).toMatchObject({ status: 'passed', resumed: [expect.any(String)] });
    expect((await service.listRuns()).find((r) => r.runId === runId)?.status).toBe('passed');
  });

  it('with no bench open, opens the one the run was started on (the same simulator seed) first', async () => {
    const runId = await interrupted(3);
    await service.closeBench();
    const done = ended();
    await service.resumeRun({ runId });
    expect((await service.benchStatus()).source).toEqual({ kind: 'sim', seed: 4, realtime: false });
    expect((await done).phase).toBe('passed');
    expect(rows(runId)).toHaveLength(24);
  });

  it('refuses what cannot be continued, naming it', async () => {
    await expect(service.resumeRun({ runId: 'no-such-run' })).rejects.toThrow(/no-such-run.*no journal; expected a run folder written by benchctl run/);
    for (const runId of ['..', '../x', 'a/b']) {
      await expect(service.resumeRun({ runId })).rejects.toMatchObject({ name: 'RunNotFoundError', message: expect.stringMatching(/is not a run folder name/) });
    }
    const done = ended();
    const { runId } = await service.startRun(source);
    await expect(service.resumeRun({ runId: runId ?? '' })).rejects.toMatchObject({ name: 'RunStateError', message: expect.stringMatching(/^resumeRun: run .* is still running/) });
    await done;
    await expect(service.resumeRun({ runId: runId ?? '' })).rejects.toThrow(/already finished \(passed\); there is nothing to resume/);
    // Without a run id: the paused run, and there is none.
    await expect(service.resumeRun()).rejects.toThrow(/^resumeRun: no run is going on/);
  });
});
