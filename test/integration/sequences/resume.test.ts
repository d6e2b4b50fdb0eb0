// Resuming an interrupted run on a fresh simulated bench (power-on state, the fiber nowhere near the chip):
// the bench is put back — settings, stage at the site, the alignment re-run into its own table — and the
// interrupted step continues into the same records with no duplicate and no missing point.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { readJournal } from '../../../sequences/records/journal.ts';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { prepareResume, prepareRun, type PreparedRun } from '../../../sequences/runner.ts';

const LIBRARY = join(import.meta.dirname, '../../../sequences/library');
const SIM = { sim: true, seed: 1, realtime: false } as const;

let dir: string;
const runs: PreparedRun[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-resume-'));
});
afterEach(async () => {
  for (const r of runs.splice(0)) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

function table(folder: string, file: string): Record<string, string>[] {
  return parse(readFileSync(join(folder, file), 'utf8'), { comment: '#', comment_no_infix: true, columns: true }) as Record<string, string>[];
}

/** Runs the file and aborts it (as a crash would stop it) at the `index`-th point of `stepId`. */
async function interrupted(file: string, stepId: string, index: number): Promise<string> {
  const run = await prepareRun({ sequenceFile: file, outDir: join(dir, 'runs'), bench: SIM });
  runs.push(run);
  run.engine.on((e) => {
    if (e.type === 'point' && e.stepId === stepId && e.index === index) run.engine.abort('simulated crash');
  });
  expect((await run.engine.run()).status).toBe('aborted');
  await run.close();
  return run.recorder.folder;
}

async function resume(folder: string): Promise<{ status: string; events: RunEvent[]; record: RunRecord }> {
  const run = await prepareResume({ folder });
  runs.push(run);
  const events: RunEvent[] = [];
  run.engine.on((e) => events.push(e));
  const { status } = await run.engine.run();
  return { status, events, record: JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord };
}

describe('resume restores the context of the interrupted step', () => {
  it('ber-waterfall interrupted mid-sweep: re-aligned on the fresh bench, the sweep continues with no duplicate or missing point', async () => {
    const folder = await interrupted(join(LIBRARY, 'ber-waterfall.yaml'), 'ber', 11);
    const alignRows = table(folder, 'align_scan.csv').length;
    expect(table(folder, 'ber.csv')).toHaveLength(12);

    const { status, events, record } = await resume(folder);
    expect(status).toBe('passed');
    const attenuations = table(folder, 'ber.csv').map((r) => Number(r['attenuation_dB']));
    expect(attenuations).toEqual(Array.from({ length: 29 }, (_, i) => 14 - i * 0.5));
    // The finished alignment's records are as they were; the re-run has its own table, saying why.
    expect(table(folder, 'align_scan.csv')).toHaveLength(alignRows);
    const rerun = readFileSync(join(folder, 'resume-1.align.align_scan.csv'), 'utf8');
    expect(rerun).toContain('# phase: resume 1: align run again to restore the bench before ber\n');
    expect(table(folder, 'resume-1.align.align_scan.csv').length).toBeGreaterThan(100);
    expect(record.restorations).toEqual([expect.objectContaining({
      resume: 1, before: 'ber',
      applied: expect.arrayContaining(['laser.output=true', 'bert.rate=25.78125', 'stage Z=5020 µm, X=12500 µm, Y=12500 µm', 'laser.power=13']),
      rerun: expect.objectContaining({
        stepId: 'align', status: 'done', measurements: expect.objectContaining({ power_dBm: expect.objectContaining({ unit: 'dBm' }) }),
        tables: [{ name: 'align_scan', file: 'resume-1.align.align_scan.csv', columns: ['x_um', 'y_um', 'power_dBm', 'phase'], rows: expect.any(Number) }],
      }),
    })]);
    const before = record.steps.find((s) => s.stepId === 'align')?.measurements['power_dBm']?.value ?? NaN;
    expect(Math.abs((record.restorations?.[0]?.rerun?.measurements['power_dBm']?.value ?? NaN) - before)).toBeLessThan(0.1);
    const journal = readJournal(join(folder, 'journal.jsonl'));
    expect(journal.filter((e) => e.type === 'restore')).toHaveLength(1);
    // The sweep's points before the interruption come back from ber.csv: nothing journalled per point (the
    // align step journals once, the centre its search started from).
    expect(journal.filter((e) => e.type === 'state' && e.stepId !== 'align')).toEqual([]);
    expect(record.steps.find((s) => s.stepId === 'ber')?.measurements['points']?.value).toBe(29);
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/^resuming: running align again so that ber stands on an aligned fiber/)]));
    expect(events.filter((e) => e.type === 'point').every((e) => e.stepId === 'ber')).toBe(true);
    expect(events.find((e) => e.type === 'step-started')).toMatchObject({ stepId: 'ber' });
  }, 60_000);

  it('a step sweep continues from its table alone: nothing journalled per point, the fit sees every point', async () => {
    const file = join(dir, 'step-spectrum.yaml');
    writeFileSync(file, [
      'sequence: step-spectrum',
      'metadata: { dut: CHIP-2 }',
      'steps:',
      '  - set: { laser.wavelength: 1550nm, laser.output: on, meter.wavelength: 1550nm, voa.attenuation: 0dB, voa.output: on }',
      '  - set: { stage.Z: 5020um, stage.X: 12500um, stage.Y: 12500um }',
      '  - align: { search_radius: 35um }',
      '  - sweep: { mode: step, start: 1530nm, stop: 1570nm, step: 1nm, output_loss: 3.01dB }',
      '',
    ].join('\n'));
    const folder = await interrupted(file, 'sweep', 19);
    const { status, record } = await resume(folder);
    expect(status).toBe('passed');
    expect(table(folder, 'spectrum.csv').map((r) => Number(r['wavelength_nm']))).toEqual(Array.from({ length: 41 }, (_, i) => 1530 + i));
    expect(record.steps.find((s) => s.stepId === 'sweep')?.measurements['points']?.value).toBe(41);
    expect(readJournal(join(folder, 'journal.jsonl')).filter((e) => e.type === 'state' && e.stepId === 'sweep')).toEqual([]);
  }, 60_000);
});
