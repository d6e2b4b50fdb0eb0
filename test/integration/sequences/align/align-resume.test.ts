// An overnight-drift run killed while tracking, resumed through the engine and the real records: the
// alignment runs again, then tracking goes on for what the recorded checks had not watched, so the track
// table ends with exactly `for / every` checks — none twice, none missing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../sequences/events.ts';
import { prepareResume, prepareRun } from '../../../../sequences/runner.ts';
import type { PreparedRun } from '../../../../sequences/runner.ts';

const OVERNIGHT = join(import.meta.dirname, '../../../../sequences/library/overnight-drift.yaml');

let dir: string;
const runs: PreparedRun[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-align-resume-'));
});
afterEach(async () => {
  for (const r of runs.splice(0)) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

const trackRows = (folder: string) =>
  parse(readFileSync(join(folder, 'align_track.csv'), 'utf8'), { comment: '#', comment_no_infix: true, columns: true }) as Record<string, string>[];

describe('align step resumed while tracking', () => {
  it('tracks only the remaining time after a resume', async () => {
    const run = await prepareRun({ sequenceFile: OVERNIGHT, set: ['duration=10min'], outDir: join(dir, 'runs'), bench: { sim: true, seed: 2, realtime: false } });
    runs.push(run);
    run.engine.on((e) => {
      if (e.type === 'point' && e.stepId === 'align' && e.table === 'align_track' && e.index === 3) run.engine.abort('simulated crash');
    });
    expect((await run.engine.run()).status).toBe('aborted');
    await run.close();
    const folder = run.recorder.folder;
    expect(trackRows(folder)).toHaveLength(4);

    const again = await prepareResume({ folder });
    runs.push(again);
    const events: RunEvent[] = [];
    again.engine.on((e) => events.push(e));
    expect((await again.engine.run()).status).toBe('passed');
    // 10 min of checks every 60 s: 4 before the interruption, 6 after.
    expect(trackRows(folder)).toHaveLength(10);
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs).toContain('align: resuming — the alignment restarts from first light; then tracking for the 360 s of 600 s not yet watched (4 checks recorded)');
    const finished = events.find((e) => e.type === 'step-finished' && e.stepId === 'align');
    expect(finished).toMatchObject({ status: 'done' });
  }, 60_000);
});
