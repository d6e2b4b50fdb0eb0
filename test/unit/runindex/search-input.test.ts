// What a user types for a search or an index, refused clearly when wrong: the --where grammar, the
// filter's fields, the index target; and run.json checked before it is indexed.
import { describe, expect, it } from 'vitest';
import { defaultIndexFile, describeTarget, parseIndexTarget } from '../../../runindex/index-target.ts';
import { checkRunRecord } from '../../../runindex/record-check.ts';
import { rowsOf } from '../../../runindex/record-rows.ts';
import { filterOf, parseSince } from '../../../runindex/search-request.ts';
import { parseWhere } from '../../../runindex/where.ts';
import { syntheticRecord } from '../../helpers/synthetic-runs.ts';

describe('--where', () => {
  it('parses measurement, comparison and number, several joined by and', () => {
    expect(parseWhere('power_dBm > -25')).toEqual([{ name: 'power_dBm', op: '>', value: -25 }]);
    expect(parseWhere(' peakLoss_dB<=1.5e1 AND sensitivity_dBm != -14 and x_um == 3 and y_um <> .5')).toEqual([
      { name: 'peakLoss_dB', op: '<=', value: 15 }, { name: 'sensitivity_dBm', op: '!=', value: -14 },
      { name: 'x_um', op: '=', value: 3 }, { name: 'y_um', op: '!=', value: 0.5 },
    ]);
  });

  it('refuses anything else, saying what is wrong and what is expected', () => {
    expect(() => parseWhere('')).toThrow(/--where: an empty condition; expected "<measurement> <comparison> <number>"/);
    expect(() => parseWhere('power_dBm')).toThrow(/'power_dBm' has no comparison/);
    expect(() => parseWhere('power_dBm > -25dBm')).toThrow(/does not end in a plain number \(units are the measurement's own/);
    expect(() => parseWhere("power_dBm > 1; drop table runs")).toThrow(/does not end in a plain number/);
    expect(() => parseWhere("1 < power_dBm")).toThrow(/'1 < power_dBm' does not start with a measurement name/);
    expect(() => parseWhere('power_dBm > -25 and ')).toThrow(/--where 'power_dBm > -25 and'/);
    expect(() => parseWhere("name' OR 1=1 -- > 3")).toThrow(/has no comparison|plain number|measurement name/);
  });
});

describe('search filter', () => {
  it('keeps given fields, trims them, turns since into an ISO time', () => {
    expect(filterOf({ dut: ' CHIP-1 ', lot: '', status: 'failed', since: '2026-01-31T08:00:00Z', where: 'power_dBm > -25' })).toEqual({
      dut: 'CHIP-1', status: 'failed', since: '2026-01-31T08:00:00.000Z', where: [{ name: 'power_dBm', op: '>', value: -25 }],
    });
    expect(parseSince('2026-01-31')).toBe(new Date(2026, 0, 31).toISOString());
  });

  it('refuses an unknown status and a date it cannot read', () => {
    expect(() => filterOf({ status: 'fine' })).toThrow("status: expected one of passed, failed, aborted, error, running, got 'fine'");
    expect(() => filterOf({ since: 'yesterday' })).toThrow("since: expected a date (2026-01-31) or an ISO time (2026-01-31T08:00:00Z), got 'yesterday'");
  });
});

describe('index target', () => {
  it('is a PostgreSQL URL or an SQLite file, by default beside the runs folder', () => {
    expect(parseIndexTarget('postgresql://bench@lab:5432/runs')).toEqual({ kind: 'postgres', url: 'postgresql://bench@lab:5432/runs' });
    expect(parseIndexTarget('sqlite:idx.sqlite', '/lab')).toEqual({ kind: 'sqlite', file: '/lab/idx.sqlite' });
    expect(parseIndexTarget('data/idx.db', '/lab')).toEqual({ kind: 'sqlite', file: '/lab/data/idx.db' });
    expect(defaultIndexFile('/lab/runs/')).toBe('/lab/runs.index.sqlite');
    expect(describeTarget({ kind: 'postgres', url: 'postgresql://bench:secret@lab/runs' })).toBe('PostgreSQL postgresql://bench:***@lab/runs');
  });

  it('refuses what it cannot use, never printing a password', () => {
    expect(() => parseIndexTarget('mysql://x/y')).toThrow("index: 'mysql://x/y' is not a supported index; expected a postgresql:// URL or an SQLite file path");
    expect(() => parseIndexTarget('postgresql://lab.example')).toThrow(/names no database/);
    expect(() => parseIndexTarget('postgresql://u:pw@/db')).toThrow(/not a valid PostgreSQL URL|names no host/);
    expect(() => parseIndexTarget('postgresql://u:pw@/db')).not.toThrow(/pw/);
    expect(() => parseIndexTarget('  ')).toThrow(/got an empty string/);
    expect(() => parseIndexTarget('sqlite:')).toThrow(/sqlite: expects a file path/);
  });
});

describe('run.json for the index', () => {
  it('turns a record into rows: metadata, measurements with their limits, fits with σ, files', () => {
    const rec = syntheticRecord(5, { sites: 1 });
    const rows = rowsOf(rec, { folder: '/runs/x', mtime_ms: 1, now: 'now' });
    expect(rows.run).toMatchObject({ run_id: rec.runId, dut: 'CHIP-000005', lot: 'L005', wafer: 'W5', die: 'D5', operator: 'ana', simulated: 1, source_mtime_ms: 1 });
    expect(rows.measurements.find((m) => m.name === 'power_dBm')).toMatchObject({ step_id: 'sites[A]/align', site: 'A', min: -25, max: null });
    expect(rows.fits.find((f) => f.parameter === 'x0_um')).toMatchObject({ model: 'gaussian2d', sigma: 0.05, unit: 'µm' });
    expect(rows.files.map((f) => f.file)).toEqual(['run.json', 'journal.jsonl', 'sequence.yaml', 'sites[A]-align.align_scan.csv', 'sites[A]-sweep.spectrum.csv', 'sites[A]-ber.ber.csv']);
  });

  it('refuses a damaged or foreign one, naming the file and the field', () => {
    expect(() => checkRunRecord('r/run.json', '{')).toThrow(/^r\/run\.json: not valid JSON/);
    expect(() => checkRunRecord('r/run.json', JSON.stringify({ ...syntheticRecord(1), status: 'great' }))).toThrow(/r\/run\.json: not a run record: status: /);
    const { bench: _b, ...noBench } = syntheticRecord(1);
    expect(() => checkRunRecord('r/run.json', JSON.stringify(noBench))).toThrow('r/run.json: not a run record: bench: missing');
  });
});
