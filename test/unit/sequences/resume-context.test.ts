// What a resumed run puts back before its next step: settings, the stage at its site, and the alignment
// the next step stands on (re-run without tracking) — or none, when the stage was sent elsewhere since.
import { describe, expect, it } from 'vitest';
import { describeAction, lastActions, planResumeContext } from '../../../sequences/resume-context.ts';
import type { Plan } from '../../../sequences/plan/plan-types.ts';
import { plan, withSteps } from './fixtures.ts';

const WATERFALL = plan(withSteps([
  '  - set: { laser.wavelength: 1550nm, laser.power: 0dBm, laser.output: on }',
  '  - set: { stage.Z: 5020um, stage.X: 12500um, stage.Y: 12500um }',
  '    id: approach',
  '  - align: { search_radius: 35um }',
  '  - set: { laser.power: 13dBm }',
  '    id: boost',
  '  - measure: { channels: [1], samples: 3 }',
  '',
].join('\n')));

const SITES = plan(withSteps([
  '  - set: { laser.output: on, stage.Z: 5020um }',
  '  - loop:',
  '      origin: { X: 12500um, Y: 12500um }',
  '      sites: { A: { X: 0um, Y: 0um }, B: { X: 250um, Y: 0um } }',
  '    steps:',
  '      - set: { laser.power: 0dBm }',
  '        id: reset',
  '      - align: { search_radius: 30um }',
  '      - measure: { channels: [1], samples: 3 }',
  '      - set: { stage.Z: 5100um }',
  '        id: lift',
  '      - log: lifted',
  '',
].join('\n')));

/** The plan resumed with every step before `next` finished. */
function resumedAt(p: Plan, next: string) {
  const i = p.steps.findIndex((s) => s.stepId === next);
  expect(i, `${next} is in the plan`).toBeGreaterThanOrEqual(0);
  return planResumeContext(p.steps, new Set(p.steps.slice(0, i).map((s) => s.stepId)));
}

const described = (actions: Parameters<typeof describeAction>[0][]) => actions.map(describeAction);

describe('the context a resumed run restores', () => {
  it('settings and stage as before the alignment, the alignment re-run, then what came after it', () => {
    const r = resumedAt(WATERFALL, 'measure');
    expect(r.next?.stepId).toBe('measure');
    expect(described(r.before)).toEqual(['laser.wavelength=1550', 'laser.power=0', 'laser.output=true', 'stage Z=5020 µm, X=12500 µm, Y=12500 µm']);
    expect(r.realign?.step.stepId).toBe('align');
    expect(r.realign).toMatchObject({ body: { search_radius: '35um' }, params: { search_radius: 35 }, trackingDropped: false });
    expect(described(r.after)).toEqual(['laser.power=13']);
  });

  it('the alignment is re-run also when the run died between it and the next step', () => {
    expect(resumedAt(WATERFALL, 'boost').realign?.step.stepId).toBe('align');
  });

  it('no re-alignment when the next step is the alignment itself; the stage goes back to where it started', () => {
    const r = resumedAt(WATERFALL, 'align');
    expect(r.realign).toBeNull();
    expect(described(r.before)).toContain('stage Z=5020 µm, X=12500 µm, Y=12500 µm');
    expect(r.after).toEqual([]);
  });

  it('at a site: the stage goes to that site and its own alignment is re-run', () => {
    const r = resumedAt(SITES, 'sites[B]/measure');
    expect(r.realign?.step.stepId).toBe('sites[B]/align');
    // The last position of each axis: Z from the first step, then lifted at A, X/Y from B's goto — as it was when B aligned.
    expect(described(r.before)).toEqual(['laser.output=true', 'laser.power=0', 'stage Z=5100 µm, X=12750 µm, Y=12500 µm']);
    expect(r.after).toEqual([]);
  });

  it("a move off the aligned axes (a lift) keeps the alignment: re-run, then the lift applied again", () => {
    const r = resumedAt(SITES, 'sites[A]/log');
    expect(r.realign?.step.stepId).toBe('sites[A]/align');
    expect(described(r.before)).toEqual(['laser.output=true', 'laser.power=0', 'stage Z=5020 µm, X=12500 µm, Y=12500 µm']);
    expect(described(r.after)).toEqual(['stage Z=5100 µm']);
  });

  it("no re-alignment of another site's alignment once the stage was sent to the next site", () => {
    for (const next of ['sites[B]/reset', 'sites[B]/goto']) {
      const r = resumedAt(SITES, next);
      expect(r.realign, next).toBeNull();
    }
    expect(described(resumedAt(SITES, 'sites[B]/reset').before)).toContain('stage Z=5100 µm, X=12750 µm, Y=12500 µm');
  });

  it('an alignment that tracked for hours is re-run once, without its tracking', () => {
    const p = plan(withSteps([
      '  - align: { search_radius: 35um, max_time: 24h, track: { every: 60s, drop: 0.5dB, for: 8h } }',
      '  - measure: { channels: [1] }',
      '',
    ].join('\n')));
    const r = resumedAt(p, 'measure');
    expect(r.realign).toMatchObject({ body: { search_radius: '35um', max_time: '24h' }, trackingDropped: true });
    expect((r.realign?.params as { track?: unknown }).track).toBeUndefined();
    expect(r.realign?.step.definition.tables(r.realign.params).map((t) => t.name)).toEqual(['align_scan']);
  });

  it('nothing to restore at the start, and no next step when all finished', () => {
    expect(planResumeContext(WATERFALL.steps, new Set())).toMatchObject({ next: { stepId: 'set' }, before: [], realign: null, after: [] });
    expect(planResumeContext(WATERFALL.steps, new Set(WATERFALL.steps.map((s) => s.stepId))).next).toBeNull();
  });

  it('lastActions keeps the last value of each setting and each axis, moves last', () => {
    expect(described(lastActions(SITES.steps))).toEqual([
      'laser.output=true', 'laser.power=0', 'stage Z=5100 µm, X=12750 µm, Y=12500 µm',
    ]);
  });
});
