// Run history on disk: reading tables back (metadata lines, quoting, a torn last row, -Infinity), listing
// run folders (a damaged one included), and refusing anything outside the runs folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTable, RunHistory } from '../../../service/run-history.ts';

describe('parseTable', () => {
  it('reads metadata lines, the header and typed cells, column-major', () => {
    const t = parseTable('power.csv', '# run: R1\n# units: power_dBm=dBm\nsample,power_dBm,note,ok\n0,-3.5,"a, ""b""",true\n1,-Infinity,#x,false\n');
    expect(t.metadata).toEqual({ run: 'R1', units: 'power_dBm=dBm' });
    expect(t.columns).toEqual(['sample', 'power_dBm', 'note', 'ok']);
    expect(t.rows).toBe(2);
    expect(t.data).toEqual([[0, 1], [-3.5, null], ['a, "b"', '#x'], [true, false]]);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it('drops a half-written last row (a crash mid-write) and keeps a quoted #', () => {
    const t = parseTable('x.csv', '# a: 1\nx_um,y_um\n1,2\n3,4\n5,');
    expect(t.rows).toBe(2);
    expect(t.data).toEqual([[1, 3], [2, 4]]);
    expect(parseTable('y.csv', 'note\n"#not a comment"\n').data).toEqual([['#not a comment']]);
  });

  it('keeps text that merely looks numeric-ish as text', () => {
    expect(parseTable('z.csv', 'id\n0x10\n1e3\n12abc\n').data).toEqual([['0x10', 1000, '12abc']]);
  });
});

describe('RunHistory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'g1-history-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ok = join(dir, '20260102-101010-seq-D1');
  mkdirSync(ok);
  writeFileSync(join(ok, 'run.json'), JSON.stringify({ runId: 'x', status: 'failed', passed: false, sequence: { name: 'seq', file: 'f' }, metadata: { dut: 'D1' }, started: 's', finished: 'f' }));
  writeFileSync(join(ok, 'power.csv'), 'a\n1\n');
  const broken = join(dir, '20260103-000000-seq-D2');
  mkdirSync(broken);
  writeFileSync(join(broken, 'run.json'), '{ torn');
  writeFileSync(join(dir, 'stray.txt'), 'not a run');
  const history = new RunHistory(dir);

  it('lists run folders newest first, a damaged one marked unreadable with the reason', async () => {
    const runs = await history.list();
    expect(runs.map((r) => r.runId)).toEqual(['20260103-000000-seq-D2', '20260102-101010-seq-D1']);
    expect(runs[0]).toMatchObject({ status: 'unreadable', message: expect.stringMatching(/not valid JSON/) });
    expect(runs[1]).toMatchObject({ sequence: 'seq', dut: 'D1', status: 'failed', passed: false, files: ['power.csv'] });
    expect(await new RunHistory(join(dir, 'none')).list()).toEqual([]);
  });

  it('opens a run and exports its CSV; refuses other files and paths out of the folder', async () => {
    const d = await history.open('20260102-101010-seq-D1');
    expect(d.tables.map((t) => t.file)).toEqual(['power.csv']);
    expect((await history.exportCsv('20260102-101010-seq-D1', 'power.csv')).text).toBe('a\n1\n');
    await expect(history.exportCsv('20260102-101010-seq-D1', 'run.json')).rejects.toThrow(/has no file 'run.json'/);
    await expect(history.open('..')).rejects.toThrow(/not a run folder name/);
    await expect(history.open('../etc')).rejects.toThrow(/not a run folder name/);
    await expect(history.open('20260103-000000-seq-D2')).rejects.toThrow(/not valid JSON/);
  });
});
