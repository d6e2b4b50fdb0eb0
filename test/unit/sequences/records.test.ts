// Records: CSV tables (metadata, units in headers, RFC 4180), recovery of a torn table, the journal, run.json.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../sequences/records/atomic-file.ts';
import { recoverCsv } from '../../../sequences/records/csv-recover.ts';
import { CsvTable, RecordError } from '../../../sequences/records/csv-table.ts';
import { Journal, JournalError, readJournal } from '../../../sequences/records/journal.ts';
import { RunRecorder } from '../../../sequences/records/recorder.ts';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { SOFTWARE } from '../../../sequences/records/software.ts';
import { unitOfColumn } from '../../../sequences/records/units.ts';
import { plan, withSteps } from './fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-records-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('CsvTable', () => {
  it('writes metadata lines, a header with units, and RFC 4180 rows a CSV reader gets back exactly', async () => {
    const path = join(dir, 't.csv');
    const t = CsvTable.create(path, 'spectrum', ['wavelength_nm', 'loss_dB', 'note', 'ok'], [['run', 'r1'], ['notes', 'two\nlines']]);
    await t.append({ wavelength_nm: 1550.125, loss_dB: -3.5, note: 'a, "quoted"\nnote', ok: true });
    await t.append({ wavelength_nm: 1551, loss_dB: -Infinity, note: '#not a comment', ok: false });
    await t.close();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual(['# run: r1', '# notes: two lines', 'wavelength_nm,loss_dB,note,ok']);
    expect(text).toContain('"a, ""quoted""\nnote"');
    expect(text).toContain('"#not a comment"');
    const rows = parse(text, { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { wavelength_nm: '1550.125', loss_dB: '-3.5', note: 'a, "quoted"\nnote', ok: 'true' },
      { wavelength_nm: '1551', loss_dB: '-Infinity', note: '#not a comment', ok: 'false' },
    ]);
  });

  it('has the row in the file when append resolves (no user-space buffering)', async () => {
    const path = join(dir, 't.csv');
    const t = CsvTable.create(path, 'p', ['i'], []);
    for (let i = 0; i < 5; i++) {
      await t.append({ i });
      expect(readFileSync(path, 'utf8').trim().split('\n').at(-1)).toBe(String(i));
    }
    await t.close();
  });

  it('refuses rows that do not fit, naming table and columns', async () => {
    const t = CsvTable.create(join(dir, 't.csv'), 'scan', ['x_um', 'power_dBm'], []);
    expect(() => t.append({ x_um: 1, power_mW: 2 })).toThrow(/row for table 'scan' does not match its columns \(x_um, power_dBm\); unknown: power_mW; missing: power_dBm/);
    expect(() => t.append({ x_um: 1, power_dBm: null as unknown as number })).toThrow(/column 'power_dBm' must be a number, text or boolean, got null/);
    await t.close();
    await expect(t.append({ x_um: 1, power_dBm: 2 })).rejects.toThrow(RecordError);
    expect(() => CsvTable.create(join(dir, 'u.csv'), 'u', ['a', 'a'], [])).toThrow(/declares column 'a' twice/);
  });

  it('reads units from column names', () => {
    expect(['wavelength_nm', 'power_dBm', 'speed_nm_s', 'x_um', 'sample', 'ber', 't_s', 'peak_loss_dB'].map(unitOfColumn))
      .toEqual(['nm', 'dBm', 'nm/s', 'um', '', '', 's', 'dB']);
  });
});

describe('recoverCsv', () => {
  const head = '# run: r\nx_um,power_dBm\n';
  it.each([
    ['complete', `${head}1,2\n3,4\n`, 2, 0],
    ['a row cut mid-number', `${head}1,2\n3,4.12`, 1, 6],
    ['an unclosed quote', `${head}1,2\n3,"ab`, 1, 5],
    ['only the header', head, 0, 0],
    ['a quoted field with a newline, quotes and commas', `${head}1,"a\nb ""c"", d"\n3,4\n`, 2, 0],
    ['a row cut inside a quoted field with a newline', `${head}1,2\n3,"a\nb`, 1, 6],
    ['metadata with a quote, empty lines, a cell starting with #', `# notes: say "hi\n${head.slice(9)}\n"#1",2\n\n3,4\n`, 2, 0],
    ['CRLF line ends', '# run: r\r\nx_um,power_dBm\r\n1,2\r\n3,4', 1, 3],
  ])('%s', async (_name, text, rows, cut) => {
    const path = join(dir, 't.csv');
    writeFileSync(path, text);
    const r = await recoverCsv(path);
    expect(r).toEqual({ rows, header: ['x_um', 'power_dBm'], truncated_bytes: cut });
    expect(readFileSync(path, 'utf8')).toBe(text.slice(0, text.length - cut));
  });

  it('cut anywhere, a table of awkward text keeps exactly the rows that ended before the cut', async () => {
    const path = join(dir, 'fuzz.csv');
    const t = CsvTable.create(path, 'f', ['i', 'text'], [['notes', 'a "quoted" note']]);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['a', ',', '"', '\n', '#', ' ', '""', '\r\n', 'é'];
    const ends: number[] = [];
    for (let i = 0; i < 60; i++) {
      const text = Array.from({ length: Math.floor(rand() * 8) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
      await t.append({ i, text });
      ends.push(statSync(path).size);
    }
    await t.close();
    const whole = readFileSync(path);
    const headerEnd = whole.indexOf('i,text\n') + 'i,text\n'.length;
    for (let k = 0; k < 200; k++) {
      const cut = headerEnd + Math.floor(rand() * (whole.length - headerEnd + 1));
      writeFileSync(path, whole.subarray(0, cut));
      const kept = ends.filter((e) => e <= cut);
      const r = await recoverCsv(path);
      expect(r.rows, `cut at ${cut}`).toBe(kept.length);
      expect(statSync(path).size).toBe(kept.at(-1) ?? headerEnd);
    }
  });

  it('reports a file without a complete header', async () => {
    const path = join(dir, 't.csv');
    writeFileSync(path, '# run: r\nx_um,pow');
    expect((await recoverCsv(path)).header).toBeNull();
  });

  it('lets a table continue where it was cut', async () => {
    const path = join(dir, 't.csv');
    const t = CsvTable.create(path, 'p', ['i', 'v'], [['run', 'x']]);
    for (let i = 0; i < 3; i++) await t.append({ i, v: i * 1.5 });
    await t.close();
    appendFileSync(path, '3,4.');
    const r = await recoverCsv(path);
    const again = CsvTable.append(path, 'p', ['i', 'v'], r.rows);
    await again.append({ i: 3, v: 4.5 });
    await again.close();
    expect(readFileSync(path, 'utf8').split('\n').slice(2)).toEqual(['0,0', '1,1.5', '2,3', '3,4.5', '']);
  });
});

describe('journal', () => {
  it('appends entries and reads them back, ignoring a torn last line', () => {
    const path = join(dir, 'journal.jsonl');
    const j = Journal.open(path);
    j.append({ type: 'run', time: 't', config: {} as never, plan: [] });
    j.append({ type: 'step-start', time: 't', stepId: 'a', t_s: 0 });
    j.close();
    appendFileSync(path, '{"type":"step-e');
    expect(readJournal(path).map((e) => e.type)).toEqual(['run', 'step-start']);
    expect(() => j.append({ type: 'resume', time: 't' })).toThrow(/journal .* is closed/);
  });

  it('refuses a damaged or foreign journal', () => {
    const path = join(dir, 'journal.jsonl');
    writeFileSync(path, '{"type":"run"}\nnot json\n{"type":"resume"}\n');
    expect(() => readJournal(path)).toThrow(/journal\.jsonl:2: not a JSON journal entry/);
    writeFileSync(path, '{"type":"resume"}\n');
    expect(() => readJournal(path)).toThrow(JournalError);
    expect(() => readJournal(join(dir, 'none.jsonl'))).toThrow(/no journal; expected a run folder/);
  });

  it('atomic writes leave no temporary file', () => {
    writeFileAtomic(join(dir, 'run.json'), '{"a":1}');
    writeFileAtomic(join(dir, 'run.json'), '{"a":2}');
    expect(readdirSync(dir)).toEqual(['run.json']);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe('{"a":2}');
  });
});

const SEQ = withSteps('  - measure: { channels: [1, 2], samples: 2 }\n  - wait: 1s\n',
  'parameters:\n  lot: L7\n').replace('metadata: { dut: CHIP-1 }', 'sequence: rec-test\nmetadata: { dut: CHIP-1, lot: $lot, operator: ana }') +
  'limits:\n  - { measurement: power_ch2_dBm, min: -20dBm }\n';

function recorder() {
  const p = plan(SEQ);
  const rec = RunRecorder.create(join(dir, 'runs'), p, {
    sequenceName: 'rec-test', sequenceFile: 'seq.yaml', baseDir: dir, overrides: {}, bench: { sim: true, seed: 1, realtime: false }, software: { ...SOFTWARE },
  }, { name: 'bench A', simulated: true, identities: { meter: 'Keysight,N7744A,1,2' } });
  return { p, rec };
}

describe('RunRecorder', () => {
  it('creates runs/<stamp>-<sequence>-<dut>/ with the sequence, a journal and run.json', async () => {
    const { p, rec } = recorder();
    expect(rec.folder).toMatch(/runs\/\d{8}-\d{6}-rec-test-CHIP-1$/);
    expect(readdirSync(rec.folder).sort()).toEqual(['journal.jsonl', 'run.json', 'sequence.yaml']);
    const step = p.steps[0]!;
    await rec.beginStep(step, 0);
    await rec.point(step.stepId, 'power', { sample: 0, t_s: 0.1, channel: 1, power_dBm: -3 });
    await expect(rec.point(step.stepId, 'nope', { a: 1 })).rejects.toThrow(/step 'measure' has no table 'nope'; it declares power/);
    rec.fit(step.stepId, 'flat', { parameters: { level_dBm: { value: -3, sigma: 0.1, unit: 'dBm' } }, rSquared: 0.9 });
    await rec.endStep(step.stepId, { status: 'done', duration_s: 0.5, measurements: { power_ch2_dBm: { value: -4, unit: 'dBm' } }, fits: {}, notes: ['n'] }, 0.5);
    await rec.finish('passed', [{ measurement: 'power_ch2_dBm', stepId: 'measure', value: -4, unit: 'dBm', min: -20, passed: true }], 1.5);

    const csv = readFileSync(join(rec.folder, 'power.csv'), 'utf8');
    const meta = csv.split('\n').filter((l) => l.startsWith('# '));
    expect(meta).toEqual(expect.arrayContaining([
      `# run: ${rec.runId}`, '# sequence: rec-test', '# dut: CHIP-1', '# lot: L7', '# operator: ana', '# bench: bench A',
      '# instrument meter: Keysight,N7744A,1,2', `# software: benchctl ${SOFTWARE.version}`, '# step: measure', '# table: power',
      '# units: t_s=s, power_dBm=dBm',
    ]));
    expect(csv).toContain('sample,t_s,channel,power_dBm\n0,0.1,1,-3\n');

    const run = JSON.parse(readFileSync(join(rec.folder, 'run.json'), 'utf8')) as RunRecord;
    expect(run).toMatchObject({
      runId: rec.runId, status: 'passed', passed: true,
      sequence: { name: 'rec-test', file: 'seq.yaml' }, metadata: { dut: 'CHIP-1', lot: 'L7', operator: 'ana' }, parameters: { lot: 'L7' },
      bench: { name: 'bench A', simulated: true, identities: { meter: 'Keysight,N7744A,1,2' } },
      software: { name: 'benchctl', version: SOFTWARE.version },
      limits: [{ measurement: 'power_ch2_dBm', passed: true }],
      timings: { bench_s: 1.5 },
    });
    expect(run.timings.estimate_s).toBeCloseTo(p.estimate_s, 9);
    expect(run.steps[0]).toMatchObject({
      stepId: 'measure', status: 'done', duration_s: 0.5, measurements: { power_ch2_dBm: { value: -4, unit: 'dBm' } },
      fits: { flat: { rSquared: 0.9 } }, notes: ['n'], tables: [{ name: 'power', file: 'power.csv', rows: 1, columns: ['sample', 't_s', 'channel', 'power_dBm'] }],
    });
    expect(run.steps[1]).toMatchObject({ stepId: 'wait', status: 'pending' });
    expect(readJournal(join(rec.folder, 'journal.jsonl')).map((e) => e.type)).toEqual(['run', 'step-start', 'step-end', 'end']);
  });

  it('reopens a run: finished steps come back, a torn table is cut and continued, a changed plan is refused', async () => {
    const { p, rec } = recorder();
    const step = p.steps[0]!;
    await rec.beginStep(step, 0);
    await rec.point(step.stepId, 'power', { sample: 0, t_s: 0.1, channel: 1, power_dBm: -3 });
    rec.saveState(step.stepId, { k: 1 });
    await rec.point(step.stepId, 'power', { sample: 0, t_s: 0.2, channel: 2, power_dBm: -4 });
    appendFileSync(join(rec.folder, 'power.csv'), '1,0.3,1,-3.'); // killed mid-write

    const again = RunRecorder.reopen(rec.folder, plan(SEQ), { name: 'bench A', simulated: true, identities: {} });
    expect(again.completedSteps().size).toBe(0);
    await again.beginStep(step, 0);
    expect(again.resumeInfo('measure')).toEqual({
      completedPoints: 2, pointsByTable: { power: 2 }, state: { k: 1 },
      // Read back from the recovered CSV: the torn third row is not among them.
      rows: { power: [{ sample: 0, t_s: 0.1, channel: 1, power_dBm: -3 }, { sample: 0, t_s: 0.2, channel: 2, power_dBm: -4 }] },
    });
    expect(again.resumeInfo('wait')).toBeNull();
    await again.point('measure', 'power', { sample: 1, t_s: 0.3, channel: 1, power_dBm: -3 });
    await again.endStep('measure', { status: 'done', duration_s: 1, measurements: {}, fits: {}, notes: [] }, 1);
    const rows = readFileSync(join(rec.folder, 'power.csv'), 'utf8').split('\n').filter((l) => /^\d/.test(l));
    expect(rows).toEqual(['0,0.1,1,-3', '0,0.2,2,-4', '1,0.3,1,-3']);

    const third = RunRecorder.reopen(rec.folder, plan(SEQ), { name: 'bench A', simulated: true, identities: {} });
    expect([...third.completedSteps().keys()]).toEqual(['measure']);
    expect(third.runRecord.resumed).toHaveLength(2);
    expect(() => RunRecorder.reopen(rec.folder, plan(SEQ.replace('samples: 2 }', 'samples: 2 }\n  - wait: 2s')), { name: 'b', simulated: true, identities: {} }))
      .toThrow(/rebuilt plan differs from the journalled one/);
    expect(existsSync(join(rec.folder, 'run.json'))).toBe(true);
  });
});
