import { describe, expect, it } from 'vitest';
import { waferLayout } from '../../../../renderer/wafer/wafer-geometry.ts';
import { paintWafer, percentile } from '../../../../renderer/wafer/wafer-paint.ts';
import { binCounts, dieValue, measurementKeys, summariseDie, WaferState } from '../../../../renderer/wafer/wafer-state.ts';
import { BIN_COLOURS, UNMEASURED_COLOUR, valueScale } from '../../../../renderer/wafer/wafer-colour.ts';
import { dieFinished, waferMap } from './wafer-events.ts';

function loopOf(...events: Parameters<WaferState['ingest']>[0][number][]) {
  const s = new WaferState();
  s.ingest(events);
  const loop = s.loops.get('wafer');
  if (!loop) throw new Error('no loop');
  return loop;
}

describe('wafer state', () => {
  it('keeps the map and each die-site\'s latest result; a die is partial until every site has one', () => {
    const s = new WaferState();
    expect(s.ingest([waferMap('r1')])).toBe(true);
    s.ingest([dieFinished('r1', 'C08R08', 'A', 1)]);
    const loop = s.loops.get('wafer');
    expect(loop && summariseDie(loop, 'C08R08')).toMatchObject({ state: 'partial', bin: 1, binName: 'good' });
    s.ingest([dieFinished('r1', 'C08R08', 'B', 3)]);
    expect(loop && summariseDie(loop, 'C08R08')).toMatchObject({ state: 'measured', bin: 3, binName: 'failed limits' });
    // A reprobe's result replaces the first.
    s.ingest([dieFinished('r1', 'C08R08', 'B', 1, { reprobe: true })]);
    expect(loop && summariseDie(loop, 'C08R08')).toMatchObject({ state: 'measured', bin: 1 });
    expect(loop && summariseDie(loop, 'C09R08').state).toBe('pending');
    expect(loop && summariseDie(loop, 'C10R09').state).toBe('excluded');
    expect(loop?.map).not.toHaveProperty('type');
    expect(loop?.results.get('C08R08.B')).not.toHaveProperty('runId');
  });

  it('starts afresh for a new run, ignores a result of a loop it has no map of, and reports no change for other events', () => {
    const s = new WaferState();
    s.ingest([waferMap('r1'), dieFinished('r1', 'C08R08', 'A', 1)]);
    s.ingest([dieFinished('r2', 'C08R08', 'A', 1, { loopId: 'other' })]);
    expect(s.runId).toBe('r2');
    expect(s.loops.size).toBe(0);
    const s2 = new WaferState();
    s2.ingest([waferMap('r1')]);
    expect(s2.ingest([{ type: 'log', runId: 'r1', t_s: 3, time: '', stepId: null, message: 'x' }])).toBe(false);
  });

  it('lists the numeric measurements, a die\'s mean over its sites, and counts by bin', () => {
    const loop = loopOf(waferMap('r1'), dieFinished('r1', 'C08R08', 'A', 1), dieFinished('r1', 'C08R08', 'B', 1, {
      measurements: { 'align.power_dBm': { value: -20, unit: 'dBm' }, 'sweep.peakLoss_dB': { value: 9, unit: 'dB' } },
    }), dieFinished('r1', 'C09R08', 'A', 2));
    expect(measurementKeys(loop)).toEqual(['align.power_dBm', 'sweep.peakLoss_dB']);
    expect(dieValue(summariseDie(loop, 'C08R08'), 'sweep.peakLoss_dB')).toBeCloseTo((8.8 + 9) / 2, 9);
    expect(dieValue(summariseDie(loop, 'C09R08'), 'sweep.peakLoss_dB')).toBeNull();
    expect([...binCounts(loop).entries()]).toEqual([[1, { name: 'good', sites: 2 }], [2, { name: 'no light', sites: 1 }]]);
  });
});

describe('wafer paint', () => {
  const events = [
    waferMap('r1'),
    dieFinished('r1', 'C08R08', 'A', 1),
    dieFinished('r1', 'C09R08', 'A', 1, { prediction: { predicted_um: { x: 0, y: 0 }, found_um: { x: 2, y: -1 }, residual_um: { x: 2, y: -1 }, firstLightSkipped: true } }),
    dieFinished('r1', 'C09R09', 'A', 2, { prediction: { predicted_um: { x: 0, y: 0 }, found_um: null, residual_um: null, firstLightSkipped: false } }),
  ];

  it('colours by bin: dies by their worst site, unmeasured grey, and a legend with counts and what is left', () => {
    const loop = loopOf(...events);
    const p = paintWafer(loop, waferLayout(loop.map), { kind: 'bin' });
    const die = (d: string) => p.dies.find((x) => x.die === d);
    expect(die('C08R08')).toMatchObject({ fill: BIN_COLOURS[1], state: 'partial', bin: 1, reference: true });
    expect(die('C09R09')).toMatchObject({ fill: BIN_COLOURS[2], bin: 2, ink: '#ffffff' });
    expect(die('C08R09')).toMatchObject({ fill: UNMEASURED_COLOUR, state: 'pending', bin: null });
    expect(die('C10R09')?.state).toBe('excluded');
    expect(p.sites.map((s) => `${s.die}.${s.site}`)).toEqual(['C08R08.A', 'C09R08.A', 'C09R09.A']);
    expect(p.legend).toEqual({ kind: 'bin', entries: [
      { bin: 1, name: 'good', colour: BIN_COLOURS[1], sites: 2 },
      { bin: 2, name: 'no light', colour: BIN_COLOURS[2], sites: 1 },
      // 5 visited dies × 2 sites, 3 measured.
      { bin: null, name: 'not measured yet', colour: UNMEASURED_COLOUR, sites: 7 },
    ] });
  });

  it('colours by a measurement on the wafer\'s own range; a die without it keeps its bin colour', () => {
    const loop = loopOf(...events);
    const p = paintWafer(loop, waferLayout(loop.map), { kind: 'measurement', key: 'sweep.peakLoss_dB' });
    const scale = valueScale([8.8, 8.8]);
    expect(p.dies.find((d) => d.die === 'C08R08')?.fill).toBe(scale?.colour(8.8));
    expect(p.dies.find((d) => d.die === 'C09R09')?.fill).toBe(BIN_COLOURS[2]);
    expect(p.sites.find((s) => s.die === 'C09R09')?.fill).toBe(UNMEASURED_COLOUR);
    expect(p.legend).toMatchObject({ kind: 'measurement', key: 'sweep.peakLoss_dB', unit: 'dB', min: 8.8, max: 8.8 });
    const none = paintWafer(loop, waferLayout(loop.map), { kind: 'measurement', key: 'nothing_mW' });
    expect(none.legend).toMatchObject({ min: null, max: null, unit: 'mW' });
  });

  it('draws an arrow for each residual, from its site, magnified to read (×N in the legend)', () => {
    const loop = loopOf(...events);
    const layout = waferLayout(loop.map);
    const p = paintWafer(loop, layout, { kind: 'bin' });
    expect(p.arrows).toHaveLength(1);
    expect(p.maxResidual_um).toBeCloseTo(Math.hypot(2, 1), 9);
    expect(p.magnification).toBe(200);
    const at = layout.sitePoint('C09R08', 'A');
    expect(p.arrows[0]).toMatchObject({ die: 'C09R08', site: 'A', x1: at?.x, y1: at?.y, x2: (at?.x ?? 0) + 400, y2: (at?.y ?? 0) + 200 });
  });

  it('scales the arrows on the 90th-percentile residual: one outlier does not shrink the rest to dots', () => {
    const residual = (x: number) => ({ prediction: { predicted_um: { x: 0, y: 0 }, found_um: { x, y: 0 }, residual_um: { x, y: 0 }, firstLightSkipped: true } });
    const dies = ['C08R08', 'C09R08', 'C10R08', 'C08R09', 'C09R09'];
    const many = dies.flatMap((d) => ['A', 'B'].map((site, i) => dieFinished('r1', d, site, 1, residual(d === 'C09R09' && site === 'B' ? 40 : 1 + i * 0.1))));
    const loop = loopOf(waferMap('r1'), ...many);
    const p = paintWafer(loop, waferLayout(loop.map), { kind: 'bin' });
    expect(p.maxResidual_um).toBe(40);
    // 450 / 1.1 µm → ×200, not 450 / 40 → ×10.
    expect(p.magnification).toBe(200);
    expect(percentile([5, 1, 3, 2, 4], 0.9)).toBe(5);
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([], 0.9)).toBe(0);
  });
});
