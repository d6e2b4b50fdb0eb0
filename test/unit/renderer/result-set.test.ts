import { describe, expect, it } from 'vitest';
import type { RunDetails } from '../../../service/bench-api.ts';
import { ResultSet } from '../../../renderer/results/result-set.ts';
import { ev, point, runStarted } from './run-events.ts';

const FIT = { parameters: { centre_nm: { value: 1550, sigma: 0.1, unit: 'nm' } }, rSquared: 0.99 };

describe('ResultSet from live run events', () => {
  it('follows steps through started → points → fit → finished', () => {
    const set = new ResultSet('r1');
    set.ingest([
      runStarted('r1', [{ stepId: 'set', kind: 'set' }, { stepId: 'sweep', kind: 'sweep' }]),
      ev('r1', 1, { type: 'step-started', stepId: 'sweep', kind: 'sweep', index: 1, total: 2, estimate_s: 5, remaining_s: 5, loop: {} }),
      point('r1', 'sweep', 'spectrum', 0, { wavelength_nm: 1540, loss_dB: 5 }),
      point('r1', 'sweep', 'spectrum', 1, { wavelength_nm: 1541, loss_dB: 4.9 }),
    ]);
    expect([...set.steps.keys()]).toEqual(['set', 'sweep']);
    const sweep = set.steps.get('sweep');
    expect(sweep?.phase).toBe('running');
    expect(sweep?.tables.get('spectrum')?.length).toBe(2);
    set.ingest([
      point('r1', 'sweep', 'spectrum', 2, { wavelength_nm: 1542, loss_dB: 4.8 }),
      ev('r1', 3, { type: 'fit', stepId: 'sweep', model: 'grating', result: FIT }),
      ev('r1', 4, { type: 'step-finished', stepId: 'sweep', kind: 'sweep', status: 'done', duration_s: 3, measurements: { centre_nm: { value: 1550, unit: 'nm' } } }),
    ]);
    expect(sweep?.tables.get('spectrum')?.col('loss_dB')[2]).toBe(4.8);
    expect(sweep?.fits.get('grating')).toEqual(FIT);
    expect(sweep?.phase).toBe('done');
    expect(sweep?.measurements['centre_nm']?.value).toBe(1550);
    expect(set.steps.get('set')?.phase).toBe('planned');
  });

  it('records a failed step with its error, and takes points of a step it has not seen start', () => {
    const set = new ResultSet('r2');
    set.ingest([
      point('r2', 'align', 'align_scan', 0, { x_um: 1, y_um: 2, power_dBm: -30, phase: 'first-light' }),
      ev('r2', 2, { type: 'step-finished', stepId: 'align', kind: 'align', status: 'error', duration_s: 1, measurements: {}, error: 'no light found' }),
    ]);
    const align = set.steps.get('align');
    expect(align?.kind).toBe('align');
    expect(align?.phase).toBe('error');
    expect(align?.error).toBe('no light found');
    expect(align?.tables.get('align_scan')?.values('phase')).toEqual(['first-light']);
  });

  it('marks steps a resumed run had already completed', () => {
    const set = new ResultSet('r3');
    const started = runStarted('r3', [{ stepId: 'a', kind: 'set' }, { stepId: 'b', kind: 'ber' }]);
    if (started.type === 'run-started') started.completed = ['a'];
    set.ingest([started]);
    expect(set.steps.get('a')?.phase).toBe('done');
    expect(set.steps.get('b')?.phase).toBe('planned');
  });
});

describe('ResultSet from a run folder (history)', () => {
  const details = (): RunDetails => ({
    runId: 'old', folder: '/runs/old',
    record: {
      runId: 'old', status: 'passed', passed: true, sequence: { name: 's', file: 's.yaml' }, metadata: { dut: 'D' }, parameters: {},
      bench: { name: 'b', simulated: true, identities: {} }, software: { name: 'benchctl', version: '0' }, started: '2026-01-01T00:00:00Z',
      resumed: [], timings: { estimate_s: 1, bench_s: 1, wall_s: 1 }, limits: [],
      steps: [
        { stepId: 'sites[S0]/sweep', kind: 'sweep', loop: {}, params: {}, status: 'done', estimate_s: 1, measurements: { points: { value: 2, unit: '' } },
          fits: { grating: FIT }, notes: [], warnings: [], reconnects: 0, tables: [{ name: 'spectrum', file: 'sites-S0-sweep.spectrum.csv', columns: ['wavelength_nm', 'loss_dB'], rows: 2 }] },
        { stepId: 'sites[S1]/sweep', kind: 'sweep', loop: {}, params: {}, status: 'pending', estimate_s: 1, measurements: {},
          fits: {}, notes: [], warnings: [], reconnects: 0, tables: [{ name: 'spectrum', file: 'sites-S1-sweep.spectrum.csv', columns: ['wavelength_nm', 'loss_dB'], rows: 0 }] },
      ],
    } as unknown as RunDetails['record'],
    tables: [
      // Named by its metadata lines.
      { file: 'sites-S0-sweep.spectrum.csv', metadata: { step: 'sites[S0]/sweep', table: 'spectrum' }, columns: ['wavelength_nm', 'loss_dB'], data: [[1540, 1541], [5, 4.5]], rows: 2 },
      // No metadata: found through run.json's table list.
      { file: 'sites-S1-sweep.spectrum.csv', metadata: {}, columns: ['wavelength_nm', 'loss_dB'], data: [[1550], [3]], rows: 1 },
    ],
  });

  it('rebuilds every step with its fits, measurements and tables', () => {
    const set = ResultSet.fromRunDetails(details());
    const s0 = set.steps.get('sites[S0]/sweep');
    expect(s0?.phase).toBe('done');
    expect(s0?.fits.get('grating')).toEqual(FIT);
    expect(Array.from(s0?.tables.get('spectrum')?.col('loss_dB') ?? [])).toEqual([5, 4.5]);
    const s1 = set.steps.get('sites[S1]/sweep');
    expect(s1?.phase).toBe('planned');
    expect(s1?.tables.get('spectrum')?.length).toBe(1);
  });
});
