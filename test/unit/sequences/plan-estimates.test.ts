// The ETA of an align step from what the plan knows in run order: the acceleration a set step gave the
// stage, and a predicting wafer loop starting each die-site after the first at its predicted optimum
// (no first-light search). Without them the align step's own estimate stands.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { loadSequenceFile } from '../../../sequences/schema/load.ts';
import { plan, withSteps } from './fixtures.ts';

const LIBRARY = join(import.meta.dirname, '..', '..', '..', 'sequences', 'library');
const dir = mkdtempSync(join(tmpdir(), 'plan-estimates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function alignEstimates(file: string): Promise<{ aligns: number[]; total_s: number }> {
  const p = buildPlan(await loadSequenceFile(file));
  return { aligns: p.steps.filter((s) => s.kind === 'align').map((s) => s.estimate_s), total_s: p.estimate_s };
}

describe('plan estimates in context', () => {
  it('wafer.yaml: the first die-site searches for first light, every later one starts at its prediction', async () => {
    const { aligns, total_s } = await alignEstimates(join(LIBRARY, 'wafer.yaml'));
    expect(aligns.length).toBeGreaterThan(200);
    expect(aligns[0]).toBeGreaterThan(1);
    expect(Math.max(...aligns.slice(1))).toBeLessThan(0.5);
    // The library wafer measures about 1 s a die-site on the simulator (docs/wafer.md): the plan says so too.
    expect(total_s / aligns.length).toBeLessThan(2.5);
  });

  it('the same wafer without prediction searches at every die-site', async () => {
    cpSync(join(LIBRARY, 'maps'), join(dir, 'maps'), { recursive: true });
    const text = readFileSync(join(LIBRARY, 'wafer.yaml'), 'utf8');
    expect(text).toContain('predict: true');
    writeFileSync(join(dir, 'wafer.yaml'), text.replace('predict: true', 'predict: false'));
    const { aligns } = await alignEstimates(join(dir, 'wafer.yaml'));
    expect(Math.min(...aligns)).toBeGreaterThan(1);
  });

  it('an align step after a set of the stage\'s acceleration is estimated at that acceleration, not a slow stage\'s', () => {
    const align = '  - align: { search_radius: 50um }\n';
    const slow = plan(withSteps(align)).steps[0]?.estimate_s ?? 0;
    const fast = plan(withSteps(`  - set: { stage.acceleration: 200000um/s^2 }\n${align}`)).steps[1]?.estimate_s ?? 0;
    expect(slow).toBeGreaterThan(0);
    expect(fast).toBeLessThan(slow / 2);
  });
});
