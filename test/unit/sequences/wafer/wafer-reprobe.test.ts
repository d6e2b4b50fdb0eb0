// A wafer loop on the engine with a fake bench and fake set/align steps (a die's light where its grating
// is; DEAD has none, FLAKY none the first time only, LOSSY always under the power limit): binning, the
// reprobe pass (only the chosen bins, from the placement, first light searched where there was none),
// several passes, resume mid-pass without measuring a die-site twice, and reprobe's validation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunEngine } from '../../../../sequences/engine/engine.ts';
import { MemoryRecords } from '../../../../sequences/engine/records-port.ts';
import type { RunEvent } from '../../../../sequences/events.ts';
import { buildPlan } from '../../../../sequences/plan/build-plan.ts';
import { NoLightError } from '../../../../sequences/steps/align/errors.ts';
import { registry } from '../../../../sequences/steps/index.ts';
import type { SetParams } from '../../../../sequences/steps/set.ts';
import type { StepDefinition } from '../../../../sequences/step.ts';
import type { DieResult } from '../../../../sequences/wafer/die-records.ts';
import { diesCsv, kgdCsv } from '../../../../sequences/wafer/die-records.ts';
import { fakeBench } from '../fake-bench.ts';
import { issuesOf, load, SIM_LIKE_BENCH } from '../fixtures.ts';

// The map event's drawing fields, which the record writers do not read.
const MAP_GEOMETRY = { siteOffsets_um: { A: { x: 0, y: 0 } }, flat_deg: null, notch_deg: null, centre_um: { x: 0, y: 0 } };

const dir = mkdtempSync(join(tmpdir(), 'benchctl-reprobe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MAP = join(dir, 'six.csv');
// Six dies in a row; the wafer lies 20 µm off in X (the fake align finds every optimum there).
writeFileSync(MAP, [
  '# wafer: six', '# pitch: 1000um, 1000um', '# origin: 3000um, 3000um', '# site A: 0um, 0um', 'die,col,row,x_um,y_um,status',
  'C00R00,0,0,,,reference', 'DEAD,1,0,,,test', 'C02R00,2,0,,,reference', 'FLAKY,3,0,,,test', 'LOSSY,4,0,,,test', 'C05R00,5,0,,,test', '',
].join('\n'));
const OFFSET_X = 20;

let at = { x: 0, y: 0 };
let aligns: { die: string; skip: boolean }[] = [];
const flakySeen = new Set<string>();
/** What C05R00's align throws instead of measuring, when set. */
let lastDieFails: Error | null = null;

const fakeSet: StepDefinition<SetParams> = {
  ...(registry.find((d) => d.kind === 'set') as StepDefinition<SetParams>),
  async run(_ctx, p) {
    for (const a of p.actions) if (a.type === 'move') at = { x: a.targets_um['X'] ?? at.x, y: a.targets_um['Y'] ?? at.y };
    return { measurements: {} };
  },
};

/** Light within 100 µm of the die's optimum; the die is told by the stage position (its column). */
const fakeAlign: StepDefinition<{ search_radius?: string; skip_first_light?: boolean; start_light?: number }> = {
  kind: 'align',
  schema: z.object({ search_radius: z.string().optional(), skip_first_light: z.boolean().optional(), start_light: z.number().optional() }),
  tables: () => [],
  measurements: () => ({ power_dBm: 'dBm', x_um: 'µm', y_um: 'µm', first_light_skipped: '' }),
  estimate_s: () => 1,
  async run(_ctx, p) {
    const col = Math.round((at.x - 3000) / 1000);
    const die = ['C00R00', 'DEAD', 'C02R00', 'FLAKY', 'LOSSY', 'C05R00'][col] as string;
    aligns.push({ die, skip: p.skip_first_light === true });
    if (die === 'C05R00' && lastDieFails) throw lastDieFails;
    if (die === 'DEAD' || (die === 'FLAKY' && !flakySeen.has(die))) {
      flakySeen.add(die);
      throw new NoLightError({ area: `a 200 µm spiral at die ${die}`, threshold_dBm: -50, best_dBm: -70, readings: 40 });
    }
    const optimum = { x: 3000 + col * 1000 + OFFSET_X, y: 3000 };
    return {
      measurements: {
        power_dBm: { value: die === 'LOSSY' ? -40 : -10, unit: 'dBm' }, x_um: { value: optimum.x, unit: 'µm' },
        y_um: { value: optimum.y, unit: 'µm' }, first_light_skipped: { value: p.skip_first_light ? 1 : 0, unit: '' },
      },
    };
  },
};

const REGISTRY = [...registry.filter((d) => d.kind !== 'align' && d.kind !== 'set'), fakeSet, fakeAlign];

function sequence(reprobe: string): string {
  return `metadata: { dut: W1 }\nsteps:\n  - loop: { wafer: ${MAP}, order: rows${reprobe ? `, reprobe: ${reprobe}` : ''} }\n    steps:\n`
    + '      - align: { search_radius: 200um }\nlimits:\n  - { measurement: power_dBm, step: align, min: -25dBm }\n';
}

class JournalRecords extends MemoryRecords {
  constructor(private readonly previous: DieResult[]) {
    super();
  }

  waferResults(): DieResult[] {
    return [...this.previous];
  }
}

async function run(reprobe: string, records: MemoryRecords = new MemoryRecords()) {
  const plan = buildPlan(load(sequence(reprobe)), { registry: REGISTRY });
  const { bench } = fakeBench();
  let clock = 0;
  const engine = new RunEngine({
    plan, bench, records, runId: 'w', now_s: () => (clock += 0.001), restoreOnResume: false,
    wallNow_ms: () => 0, sleep_ms: async () => {}, recovery: { deadline_s: 10, backoff_s: 0.5, maxBackoff_s: 4 }, abortGrace_s: 0.05,
  });
  const events: RunEvent[] = [];
  engine.on((e) => events.push(e));
  const result = await engine.run();
  return { plan, result, records, events };
}

const binsOf = (dies: readonly DieResult[]) => dies.map((d) => `${d.die}:${d.bin}${d.reprobe ? `/p${d.pass}` : ''}`);

beforeEach(() => {
  at = { x: 0, y: 0 };
  aligns = [];
  flakySeen.clear();
  lastDieFails = null;
});

describe('a wafer run bins its die-sites and reprobes the chosen bins', () => {
  it('without reprobe: bins each die-site once and the run goes on past the bad ones', async () => {
    const { records, result } = await run('');
    expect(result.status).toBe('passed');
    expect(binsOf(records.dies)).toEqual(['C00R00:1', 'C02R00:1', 'DEAD:2', 'FLAKY:2', 'LOSSY:3', 'C05R00:1']);
    // Predicted starts skip first light once the placement is fitted from two references.
    expect(aligns.map((a) => a.skip)).toEqual([false, true, true, true, true, true]);
  });

  it('reprobes bin 2 after the last die: the dead die stays 2, the transient one recovers, LOSSY (bin 3) is not measured again', async () => {
    const { records, events, plan } = await run('{ bins: [2], max: 1 }');
    expect(binsOf(records.dies)).toEqual(['C00R00:1', 'C02R00:1', 'DEAD:2', 'FLAKY:2', 'LOSSY:3', 'C05R00:1', 'DEAD:2/p2', 'FLAKY:1/p2']);
    expect(aligns.map((a) => a.die)).toEqual(['C00R00', 'C02R00', 'DEAD', 'FLAKY', 'LOSSY', 'C05R00', 'DEAD', 'FLAKY']);
    // No light before: the reprobe searches from scratch.
    expect(aligns.slice(6).map((a) => a.skip)).toEqual([false, false]);
    const flaky = records.dies.at(-1) as DieResult;
    expect(flaky.stepIds).toEqual(['wafer[FLAKY.A]/reprobe1/goto', 'wafer[FLAKY.A]/reprobe1/align']);
    // The goto went to the prediction from the final placement (the 20 µm offset learned).
    expect(flaky.prediction?.predicted_um.x).toBeCloseTo(6000 + OFFSET_X, 3);
    const finished = events.filter((e) => e.type === 'die-finished');
    expect(finished.filter((e) => e.reprobe === true)).toHaveLength(2);
    // The plan's estimate leaves the reprobe pass out (who is reprobed is known only at run time).
    expect(plan.steps.filter((s) => s.wafer?.pass === 2).every((s) => s.estimate_s === 0)).toBe(true);
    // dies.csv keeps both results with their pass; kgd.csv has the reprobe's bin.
    const csv = diesCsv([{ map: { loopId: 'wafer', wafer: 'six', pitch_um: { x: 1000, y: 1000 }, sites: ['A'], order: [], dies: [], ...MAP_GEOMETRY }, results: records.dies, placement: null }]);
    const lines = csv.split('\n').filter((l) => l.startsWith('FLAKY'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/,false,2,no light,false,1$/);
    expect(lines[1]).toMatch(/,true,1,good,true,2$/);
    const kgd = kgdCsv([{
      map: { loopId: 'wafer', wafer: 'six', pitch_um: { x: 1000, y: 1000 }, sites: ['A'], order: [], dies: [{ die: 'FLAKY', col: 3, row: 0, x_um: 6000, y_um: 3000, excluded: false, reference: false }], ...MAP_GEOMETRY },
      results: records.dies, placement: null,
    }]);
    expect(kgd).toMatch(/FLAKY,3,0,tested,1,good,true/);
  });

  it("a reprobe's steps carry their pass in their loop record (the plan's, run.json's, step-started's), beside die and site", async () => {
    const { events, plan } = await run('{ bins: [2], max: 2 }');
    const loopOf = (id: string) => plan.steps.find((s) => s.stepId === id)?.loop;
    const first = { die: 'DEAD', die_x: 1, die_y: 0, site: 'A', position_um: { X: 4000, Y: 3000 } };
    expect(loopOf('wafer[DEAD.A]/goto')).toEqual(first);
    expect(loopOf('wafer[DEAD.A]/align')).toEqual(first);
    expect(loopOf('wafer[DEAD.A]/reprobe1/goto')).toEqual({ ...first, pass: 2 });
    expect(loopOf('wafer[DEAD.A]/reprobe1/align')).toEqual({ ...first, pass: 2 });
    expect(loopOf('wafer[DEAD.A]/reprobe2/align')).toEqual({ ...first, pass: 3 });
    // Every step of the loop: its pass from its die-site, none on the first.
    for (const s of plan.steps.filter((x) => x.wafer)) {
      const ds = plan.wafers?.[0]?.dieSites.find((d) => d.stepIds.includes(s.stepId));
      expect(s.loop['pass'], s.stepId).toBe(ds!.pass > 1 ? ds!.pass : undefined);
    }
    const started = events.filter((e): e is Extract<RunEvent, { type: 'step-started' }> => e.type === 'step-started');
    expect(started.find((e) => e.stepId === 'wafer[DEAD.A]/reprobe2/align')?.loop).toEqual({ ...first, pass: 3 });
    expect(started.find((e) => e.stepId === 'wafer[FLAKY.A]/reprobe1/align')?.loop).toMatchObject({ die: 'FLAKY', site: 'A', pass: 2 });
    expect(started.find((e) => e.stepId === 'wafer[FLAKY.A]/align')?.loop).not.toHaveProperty('pass');
  });

  it('a plain list of bins is one pass; a die-site good on its reprobe leaves the next pass', async () => {
    const one = await run('[2, 3]');
    expect(binsOf(one.records.dies).slice(6)).toEqual(['DEAD:2/p2', 'FLAKY:1/p2', 'LOSSY:3/p2']);
    // LOSSY had light: its reprobe starts at the prediction.
    expect(aligns.at(-1)).toEqual({ die: 'LOSSY', skip: true });
    aligns = [];
    flakySeen.clear();
    const two = await run('{ bins: [2], max: 2 }');
    expect(binsOf(two.records.dies).slice(6)).toEqual(['DEAD:2/p2', 'FLAKY:1/p2', 'DEAD:2/p3']);
    expect(two.records.dies.at(-1)?.stepIds.at(-1)).toBe('wafer[DEAD.A]/reprobe2/align');
  });

  it('resumed during the reprobe pass, measures no die-site twice in that pass', async () => {
    const full = await run('{ bins: [2], max: 1 }');
    // Killed while DEAD's reprobe (the 7th result) was under way: the first six results and their steps journalled.
    const kept = full.records.dies.slice(0, 6);
    const records = new JournalRecords(kept);
    for (const id of kept.flatMap((d) => d.stepIds)) {
      const end = full.records.ends.get(id);
      if (end) await records.endStep(id, end);
    }
    await records.endStep('wafer[DEAD.A]/reprobe1/goto', full.records.ends.get('wafer[DEAD.A]/reprobe1/goto')!);
    aligns = [];
    flakySeen.clear();
    flakySeen.add('FLAKY'); // the transient is over, as it was in the first run's reprobe
    at = { x: 4000 + OFFSET_X, y: 3000 }; // the stage where DEAD's reprobe goto left it
    const again = await run('{ bins: [2], max: 1 }', records);
    expect(aligns.map((a) => a.die)).toEqual(['DEAD', 'FLAKY']);
    expect(binsOf(again.records.dies)).toEqual(['DEAD:2/p2', 'FLAKY:1/p2']);
  });

  it('bins another step failure 4 (and reprobes it when asked); a safety fault stops the run instead', async () => {
    lastDieFails = new Error('align: the fit of the peak did not converge');
    const { records, result } = await run('[4]');
    expect(result.status).toBe('passed');
    expect(binsOf(records.dies)).toEqual(['C00R00:1', 'C02R00:1', 'DEAD:2', 'FLAKY:2', 'LOSSY:3', 'C05R00:4', 'C05R00:4/p2']);
    expect(records.dies.at(-1)?.error).toMatch(/did not converge/);
    aligns = [];
    flakySeen.clear();
    lastDieFails = new Error('laser interlock open: the laser output went off');
    const stopped = await run('[2]');
    expect(stopped.result.status).not.toBe('passed');
    // Stopped at C05R00: no die-site after it, no reprobe pass.
    expect(binsOf(stopped.records.dies)).toEqual(['C00R00:1', 'C02R00:1', 'DEAD:2', 'FLAKY:2', 'LOSSY:3']);
  });

  it('refuses reprobe bins and shapes it cannot run, naming the field', () => {
    const messages = (reprobe: string) => issuesOf(() => buildPlan(load(sequence(reprobe)), { registry: REGISTRY, bench: SIM_LIKE_BENCH }))
      .map((i) => `${i.field}: ${i.message}`).join('\n');
    expect(messages('[7]')).toMatch(/reprobe\[0\].*unknown bin 7; expected one of 2 \(no light\), 3 \(failed limits\), 4 \(step error\)/);
    expect(messages('[1]')).toMatch(/bin 1 \(good\) is not measured again/);
    expect(messages('[]')).toMatch(/reprobe.*expected at least one bin/);
    expect(messages('yes')).toMatch(/reprobe.*expected a list of bins, e\.g\. \[2, 3\], or \{ bins: \[2, 3\], max: 1 \}/);
    expect(messages('{ bins: [2], max: 0 }')).toMatch(/reprobe\.max.*an integer from 1 to 5/);
    expect(messages('{ max: 2 }')).toMatch(/reprobe\.bins.*expected the list of bins/);
    expect(messages('{ bins: [2], again: true }')).toMatch(/reprobe\.again.*unknown key in reprobe; expected bins, max/);
  });
});
