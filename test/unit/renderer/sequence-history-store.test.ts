import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetails, SequenceLoadResult } from '../../../service/bench-api.ts';
import { BenchUnavailableError, setBench, useBench } from '../../../renderer/api/bench-access.ts';
import { useHistoryStore } from '../../../renderer/stores/history.ts';
import { useSequenceStore } from '../../../renderer/stores/sequence.ts';
import { FakeBench } from './fake-bench.ts';

const OK: SequenceLoadResult = {
  ok: true,
  sequence: {
    path: '/lib/align.yaml', name: 'align', description: null, metadata: { dut: 'D' }, benchChecked: true, estimate_s: 12, limits: [],
    parameters: [{ name: 'wavelength', kind: 'wavelength_nm', value: '1550nm', description: null, overridden: false }],
    steps: [{ stepId: 'align', kind: 'align', estimate_s: 12, loop: {}, tables: [{ name: 'align_scan', columns: ['x_um', 'y_um', 'power_dBm', 'phase'] }] }],
  },
};

describe('sequence store', () => {
  let fake: FakeBench;
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = new FakeBench();
    setBench(fake.bridge);
  });
  afterEach(() => setBench(null));

  it('validates a chosen library sequence and replans with parameter overrides', async () => {
    fake.handlers.loadSequence = async () => OK;
    const seq = useSequenceStore();
    await seq.choose({ kind: 'library', name: 'align' });
    expect(seq.sequence?.estimate_s).toBe(12);
    seq.setOverride('wavelength', ' 1560nm ');
    seq.setOverride('unused', '   ');
    await seq.validate();
    expect(fake.callsOf('loadSequence')).toEqual([
      { kind: 'library', name: 'align', set: {} },
      { kind: 'library', name: 'align', set: { wavelength: '1560nm' } },
    ]);
    expect(seq.request).toEqual({ kind: 'library', name: 'align', set: { wavelength: '1560nm' } });
  });

  it('keeps an uploaded file\'s text so its issues show on their lines; an edit is revalidated', async () => {
    fake.handlers.loadSequence = async (req) => (req.kind === 'text' && req.text.includes('bad')
      ? { ok: false, path: 'mine.yaml', issues: [{ file: 'mine.yaml', line: 2, col: 3, field: 'steps[0].align.search_radius', message: 'expected a length' }] }
      : OK);
    const seq = useSequenceStore();
    await seq.choose({ kind: 'text', name: 'mine.yaml', text: 'sequence: x\n  bad: 1\n' });
    expect(seq.sequence).toBeNull();
    expect(seq.issues).toEqual([expect.objectContaining({ line: 2, field: 'steps[0].align.search_radius' })]);
    expect(seq.text).toBe('sequence: x\n  bad: 1\n');
    seq.editText('sequence: x\n');
    await seq.validate();
    expect(seq.issues).toEqual([]);
    expect(seq.sequence?.name).toBe('align');
  });

  it('shows a refused load as an error, not as a plan', async () => {
    fake.handlers.loadSequence = async () => { throw new Error("sequence 'nope' is not in the library"); };
    const seq = useSequenceStore();
    await seq.choose({ kind: 'library', name: 'nope' });
    expect(seq.error).toMatch(/not in the library/);
    expect(seq.result).toBeNull();
  });
});

describe('history store', () => {
  let fake: FakeBench;
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = new FakeBench();
    setBench(fake.bridge);
  });
  afterEach(() => setBench(null));

  it('lists runs newest first, reopens one as a result set, and exports a CSV file', async () => {
    fake.handlers.listRuns = async () => [
      { runId: 'a', folder: '/r/a', sequence: 's', dut: 'd', status: 'passed', passed: true, started: '2026-01-01T10:00:00Z', finished: null, files: [] },
      { runId: 'b', folder: '/r/b', sequence: 's', dut: 'd', status: 'failed', passed: false, started: '2026-01-02T10:00:00Z', finished: null, files: [] },
    ];
    fake.handlers.openRun = async ({ runId }) => ({
      runId, folder: `/r/${runId}`, tables: [],
      record: { runId, steps: [{ stepId: 'align', kind: 'align', status: 'done', measurements: {}, fits: {}, tables: [] }] },
    }) as unknown as RunDetails;
    fake.handlers.exportRunCsv = async ({ file }) => ({ name: file, mimeType: 'text/csv', text: '# run: a\nx_um\n1\n' });
    const h = useHistoryStore();
    await h.refresh();
    expect(h.runs.map((r) => r.runId)).toEqual(['b', 'a']);
    expect(await h.open('a')).toBe(true);
    expect(h.results?.steps.get('align')?.phase).toBe('done');
    expect((await h.exportCsv('a', 'align_scan.csv'))?.text).toContain('x_um');
  });

  it('shows a run that cannot be opened as an error', async () => {
    fake.handlers.openRun = async () => { throw new Error("run 'zz' not found in /r"); };
    const h = useHistoryStore();
    expect(await h.open('zz')).toBe(false);
    expect(h.error).toMatch(/not found/);
  });
});

describe('bench access', () => {
  it('refuses clearly when no bridge is connected', () => {
    setBench(null);
    expect(() => useBench()).toThrow(BenchUnavailableError);
    expect(() => useBench()).toThrow(/window.bench is not connected/);
  });
});
