import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../service/bench-api.ts';
import type { WaferRecord } from '../../../../sequences/wafer/die-records.ts';
import { waferEventsOf } from '../../../../renderer/wafer/wafer-record.ts';
import { summariseDie, WaferState } from '../../../../renderer/wafer/wafer-state.ts';
import { dieFinished, mapBody, waferMap } from './wafer-events.ts';

/** What the records writer keeps of a live event: the body without type and the stamped base fields. */
function bodyOf(e: RunEvent): Record<string, unknown> {
  const { type: _t, runId: _r, t_s: _ts, time: _time, ...rest } = e;
  return rest;
}

function recordOf(map: RunEvent, results: RunEvent[]): WaferRecord {
  return { map: bodyOf(map), results: results.map(bodyOf), placement: null } as unknown as WaferRecord;
}

function stateOf(events: RunEvent[]): WaferState {
  const s = new WaferState();
  s.ingest(events);
  return s;
}

const started = '2026-01-01T08:00:00.000Z';

describe('a finished run\'s wafer record as events', () => {
  const live = [
    waferMap('r1'),
    dieFinished('r1', 'C08R08', 'A', 1, { prediction: { predicted_um: { x: 1, y: 2 }, found_um: { x: 3, y: 1 }, residual_um: { x: 2, y: -1 }, firstLightSkipped: true } }),
    dieFinished('r1', 'C08R08', 'B', 3),
    dieFinished('r1', 'C09R08', 'A', 2, { error: 'no light within 50 µm' }),
    // The reprobe pass measured C08R08.B again: run.json keeps both, the map shows the later.
    dieFinished('r1', 'C08R08', 'B', 1, { reprobe: true, pass: 2 }),
  ];

  it('gives the wafer state the live run would have: the map, each die-site\'s latest result, its residual and bin', () => {
    const events = waferEventsOf('r1', { wafer: recordOf(live[0]!, live.slice(1)), started, finished: '2026-01-01T09:00:00.000Z' });
    expect(events.map((e) => e.type)).toEqual(['wafer-map', 'die-finished', 'die-finished', 'die-finished', 'die-finished']);
    expect(events.every((e) => e.runId === 'r1')).toBe(true);
    const fromRecord = stateOf(events);
    const fromLive = stateOf(live);
    expect(fromRecord.runId).toBe('r1');
    expect(fromRecord.loops.get('wafer')?.map).toEqual(fromLive.loops.get('wafer')?.map);
    expect([...(fromRecord.loops.get('wafer')?.results ?? [])]).toEqual([...(fromLive.loops.get('wafer')?.results ?? [])]);
    const loop = fromRecord.loops.get('wafer');
    if (!loop) throw new Error('no loop');
    expect(summariseDie(loop, 'C08R08')).toMatchObject({ state: 'measured', bin: 1 });
    expect(summariseDie(loop, 'C09R08')).toMatchObject({ state: 'partial', bin: 2, binName: 'no light' });
    expect(loop.results.get('C08R08.A')?.prediction?.residual_um).toEqual({ x: 2, y: -1 });
    expect(loop.results.get('C09R08.A')?.error).toBe('no light within 50 µm');
    expect(summariseDie(loop, 'C10R09').state).toBe('excluded');
  });

  it('keeps several wafer loops apart (run.json\'s `wafers`), in their order', () => {
    const second = waferMap('r1', { loopId: 'wafer2', wafer: 'other' });
    const events = waferEventsOf('r1', {
      wafers: [recordOf(live[0]!, [live[1]!]), recordOf(second, [dieFinished('r1', 'C09R09', 'B', 3, { loopId: 'wafer2' })])],
      started,
    });
    const s = stateOf(events);
    expect([...s.loops.keys()]).toEqual(['wafer', 'wafer2']);
    expect([...(s.loops.get('wafer')?.results.keys() ?? [])]).toEqual(['C08R08.A']);
    expect(s.loops.get('wafer2')?.map.wafer).toBe('other');
    expect(s.loops.get('wafer2')?.results.get('C09R09.B')?.bin).toBe(3);
    // A run still going has no `finished`: its start stamps the events.
    expect(events.every((e) => e.time === started)).toBe(true);
  });

  it('gives no events for a run without a wafer loop, and a map with no die measured yet for one killed before its first die', () => {
    expect(waferEventsOf('r1', { started })).toEqual([]);
    const s = stateOf(waferEventsOf('r1', { wafer: { map: mapBody(), results: [], placement: null }, started }));
    expect(s.loops.get('wafer')?.results.size).toBe(0);
    expect(s.loops.get('wafer')?.map.dies).toHaveLength(6);
  });
});
