// The ber step's sync edge on the simulated bench: a sweep that starts where the BER is too high for the
// BERT to lock, with a loss of pattern sync (the soak's bert-sync fault) over the first lockable points.
// Without confirming the edge those points would look like the waterfall's natural no-sync region.
import { afterEach, describe, expect, it } from 'vitest';
import { berStep } from '../../../../sequences/steps/ber/index.ts';
import type { Row } from '../../../../sequences/step.ts';
import { hookBench, openOpticalSim, recordedContext } from './optical-sim.ts';
import type { OpticalSim } from './optical-sim.ts';
import { NATURAL_NO_SYNC, edgeGrid, syncLossOver } from './edge-grid.ts';

let open: OpticalSim[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function sim(seed: number): Promise<OpticalSim> {
  const s = await openOpticalSim({ seed, laserPower_dBm: 13, bertDialect: 'scpi-bert' });
  open.push(s);
  return s;
}

const statuses = (rows: Row[] | undefined) => (rows ?? []).map((r) => r['status']);
const keys = (rows: Row[] | undefined) => (rows ?? []).map((r) => (r['attenuation_dB'] as number).toFixed(3));

describe('ber: confirming the sync edge', () => {
  it('a sync loss over the first 3 lockable points: they are re-measured once the sweep locks, the edge confirmed, the sensitivity found', async () => {
    const s = await sim(5);
    const attenuation = await edgeGrid(s);
    const first = NATURAL_NO_SYNC;
    const ctx = recordedContext(s.sim, syncLossOver(s, first, first + 3));
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation }));
    const rows = ctx.rows['ber'] ?? [];
    // One row per attenuation, in sweep order: the re-measured points replace their no-sync rows.
    expect(rows).toHaveLength(attenuation.length);
    expect(keys(rows)).toEqual(attenuation.map((a) => Number.parseFloat(a).toFixed(3)));
    expect(statuses(rows).slice(0, first)).toEqual(['no-sync', 'no-sync', 'no-sync']);
    for (const r of rows.slice(first, first + 3)) expect(['measured', 'failed', 'limited']).toContain(r['status']);
    expect(statuses(rows).slice(first)).not.toContain('no-sync');
    expect(out.measurements['edgeRetriedPoints']?.value).toBe(3);
    expect(out.measurements['sensitivity_dBm']).toBeDefined();
    expect(out.notes?.join('\n')).toMatch(/3 points without sync just weaker than the first lock .* re-measured .*; the point weaker than that still has no sync: the edge is confirmed there/);
    expect(ctx.warnings.filter((w) => /no pattern sync —/.test(w))).toHaveLength(first + 3); // each first look, warned once

    // The same fault with confirm_edge off: those points stay no-sync (what the soak saw).
    const s2 = await sim(5);
    const off = recordedContext(s2.sim, syncLossOver(s2, first, first + 3));
    const outOff = await berStep.run(off, berStep.schema.parse({ attenuation, confirm_edge: 'off' }));
    expect(statuses(off.rows['ber']).slice(0, first + 3)).toEqual(Array(first + 3).fill('no-sync'));
    expect(outOff.measurements['edgeRetriedPoints']?.value).toBe(0);
    expect(outOff.measurements['points']?.value).toBe(attenuation.length);
    expect((outOff.measurements['measuredPoints']?.value ?? 0)).toBeLessThan(out.measurements['measuredPoints']?.value ?? 0);
  });

  it('no fault: exactly one extra sync check, at the true edge, and the same waterfall', async () => {
    const run = async (confirm_edge: string) => {
      const s = await sim(6);
      const attenuation = await edgeGrid(s);
      let checks = 0;
      const bench = hookBench(s.bench, 'bert', 'synced', () => {
        checks++;
      });
      const ctx = recordedContext(s.sim, bench);
      const out = await berStep.run(ctx, berStep.schema.parse({ attenuation, confirm_edge }));
      return { ctx, out, checks };
    };
    const on = await run('on');
    const off = await run('off');
    expect(on.checks - off.checks).toBe(2); // one extra point checked: before and after the re-acquisition time
    expect(statuses(on.ctx.rows['ber'])).toEqual(statuses(off.ctx.rows['ber']));
    expect(keys(on.ctx.rows['ber'])).toEqual(keys(off.ctx.rows['ber']));
    expect(statuses(on.ctx.rows['ber']).slice(0, NATURAL_NO_SYNC + 1)).toEqual(['no-sync', 'no-sync', 'no-sync', expect.not.stringMatching(/sync/)]);
    expect(on.out.measurements['edgeRetriedPoints']?.value).toBe(0);
    expect(on.out.notes).toBeUndefined();
    expect(on.ctx.logs.filter((l) => /still no pattern sync when checked again: the sync edge/.test(l))).toHaveLength(1);
    expect(Math.abs((on.out.measurements['sensitivity_dBm']?.value ?? NaN) - (off.out.measurements['sensitivity_dBm']?.value ?? NaN))).toBeLessThan(0.1);
    // Its cost in bench seconds: test/bench/ber-sync-edge.bench.ts.
  });

  it('a sync loss over more points than the bound: the points beyond it stay no-sync, with a note', async () => {
    const s = await sim(5);
    const attenuation = await edgeGrid(s);
    const first = NATURAL_NO_SYNC;
    const ctx = recordedContext(s.sim, syncLossOver(s, first, first + 3));
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation, confirm_edge: 2 }));
    const rows = ctx.rows['ber'] ?? [];
    expect(rows).toHaveLength(attenuation.length);
    expect(new Set(keys(rows)).size).toBe(attenuation.length);
    // The weakest lockable point is beyond the bound: kept as recorded; the two next to the lock re-measured.
    expect(statuses(rows).slice(0, first + 1)).toEqual(Array(first + 1).fill('no-sync'));
    expect(statuses(rows).slice(first + 1)).not.toContain('no-sync');
    expect(out.measurements['edgeRetriedPoints']?.value).toBe(2);
    expect(out.notes?.join('\n')).toMatch(/2 points without sync .*; confirm_edge's bound of 2 points reached: the no-sync points weaker than that are kept as recorded/);
    expect(ctx.warnings.some((w) => /confirm_edge's bound of 2 points reached/.test(w))).toBe(true);
  });

  it('a run killed while no-sync rows are held: the resume checks them again, one row per attenuation', async () => {
    const s = await sim(5);
    const attenuation = await edgeGrid(s);
    const p = berStep.schema.parse({ attenuation });
    const first = recordedContext(s.sim, syncLossOver(s, NATURAL_NO_SYNC, NATURAL_NO_SYNC + 3));
    const point = first.point;
    let writes = 0;
    first.point = async (table, row) => {
      if (++writes === 2) throw new Error('killed'); // amid the held rows' release, after the walk
      await point(table, row);
    };
    await expect(berStep.run(first, p)).rejects.toThrow('killed');
    expect(first.rows['ber']).toHaveLength(1);
    const again = recordedContext(s.sim, s.bench, first);
    const out = await berStep.run(again, p);
    const rows = again.rows['ber'] ?? [];
    expect(keys(rows)).toEqual(attenuation.map((a) => Number.parseFloat(a).toFixed(3)));
    expect(statuses(rows).slice(0, NATURAL_NO_SYNC)).toEqual(['no-sync', 'no-sync', 'no-sync']);
    expect(statuses(rows).slice(NATURAL_NO_SYNC)).not.toContain('no-sync');
    expect(out.measurements['sensitivity_dBm']).toBeDefined();
  });
});
