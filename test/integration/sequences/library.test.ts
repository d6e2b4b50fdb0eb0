// The short library sequences run on the simulated bench and pass; a scripted step writes its table.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../sequences/records/run-record.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';

const LIBRARY = join(import.meta.dirname, '../../../sequences/library');
const SCRIPT = join(import.meta.dirname, '../../unit/sequences/fixtures/peak-script.ts');

let dir: string;
let run: PreparedRun | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-library-'));
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function runFile(file: string, set: string[] = []) {
  run = await prepareRun({ sequenceFile: file, set, outDir: join(dir, 'runs'), bench: { sim: true, seed: 1, realtime: false } });
  const result = await run.engine.run();
  const record = JSON.parse(readFileSync(join(run.recorder.folder, 'run.json'), 'utf8')) as RunRecord;
  return { result, record, folder: run.recorder.folder };
}

describe('library sequences on the simulated bench', () => {
  it('align.yaml aligns and passes its power limit', async () => {
    const { result, record } = await runFile(join(LIBRARY, 'align.yaml'));
    expect(result.status).toBe('passed');
    expect(record.steps.find((s) => s.stepId === 'align')?.measurements.power_dBm?.value).toBeGreaterThan(-25);
    expect(record.steps.find((s) => s.stepId === 'align')?.fits).toHaveProperty('gaussian2d');
  });

  it('gc-spectrum.yaml records the spectrum and the grating fit', async () => {
    const { result, record } = await runFile(join(LIBRARY, 'gc-spectrum.yaml'));
    expect(result.status).toBe('passed');
    const sweep = record.steps.find((s) => s.stepId === 'sweep');
    expect(sweep?.fits).toHaveProperty('grating');
    expect(sweep?.tables[0]?.rows).toBeGreaterThan(1000);
  });

  it('ber-waterfall.yaml measures a waterfall and passes its sensitivity limit', async () => {
    const { result } = await runFile(join(LIBRARY, 'ber-waterfall.yaml'));
    expect(result.status).toBe('passed');
    expect(result.measurements.get('ber')?.sensitivity_dBm?.value).toBeLessThan(-8);
  });

  it('ber-pam4.yaml finds the pre-FEC sensitivity of the PAM4 line and passes the post-FEC check', async () => {
    const { result, folder } = await runFile(join(LIBRARY, 'ber-pam4.yaml'));
    expect(result.status).toBe('passed');
    const m = result.measurements.get('ber');
    expect(m?.postFecPass?.value).toBe(1);
    expect(m?.preFecSensitivity_dBm?.value).toBeLessThan(-2);
    const fec = parse(readFileSync(join(folder, 'fec.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(fec.filter((r) => r['kind'] === 'post-fec')).toHaveLength(1);
    expect(fec.some((r) => Number(r['uncorrectable']) > 0)).toBe(true);
  });

  it('dut-characterization.yaml aligns, sweeps and measures the waterfall at each of the four sites', async () => {
    const { result, record, folder } = await runFile(join(LIBRARY, 'dut-characterization.yaml'));
    expect(result.status).toBe('passed');
    for (const site of ['S0', 'S1', 'S2', 'S3']) {
      const steps = record.steps.filter((s) => s.loop['site'] === site);
      expect(steps.map((s) => s.stepId.split('/')[1])).toEqual(['goto', 'reset', 'align', 'sweep', 'boost', 'ber', 'log']);
      expect(steps.every((s) => s.status === 'done')).toBe(true);
      const ber = parse(readFileSync(join(folder, `sites-${site}-ber.ber.csv`), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
      expect(ber).toHaveLength(29);
    }
    expect(record.limits).toHaveLength(12);
  }, 60_000);

  it('overnight-drift.yaml tracks for the requested time (shortened with --set)', async () => {
    const { result, folder } = await runFile(join(LIBRARY, 'overnight-drift.yaml'), ['duration=20min']);
    expect(result.status).toBe('passed');
    const track = parse(readFileSync(join(folder, 'align_track.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(track.length).toBeGreaterThanOrEqual(15);
  });
});

describe('script step', () => {
  it('calls the exported function with bench, params and ctx; its table and measurement are recorded', async () => {
    const file = join(dir, 'scripted.yaml');
    writeFileSync(file, [
      'sequence: scripted',
      'metadata: { dut: CHIP-S }',
      'steps:',
      `  - script: { module: ${SCRIPT}, export: scan, params: { count: 4 }, tables: { readings: [x_um, power_dBm] }, measurements: { peak_dBm: dBm } }`,
      'limits:',
      '  - { measurement: peak_dBm, max: 0dBm }',
      '',
    ].join('\n'));
    const { result, folder } = await runFile(file);
    expect(result).toMatchObject({ status: 'passed', limits: [{ stepId: 'script', value: -7, passed: true }] });
    const rows = parse(readFileSync(join(folder, 'readings.csv'), 'utf8'), { comment: '#', columns: true });
    expect(rows).toEqual([
      { x_um: '0', power_dBm: '-10' }, { x_um: '0.5', power_dBm: '-9' }, { x_um: '1', power_dBm: '-8' }, { x_um: '1.5', power_dBm: '-7' },
    ]);
  });
});
