// A fly line of the fiber-array alignment whose log gets no trigger pulse (array-fly.ts): the hexapod's
// output is switched off behind the driver (as a power glitch or a second program would), so the meter,
// armed on its trigger input, never starts. The line is re-armed in full (CTO and TRO again) and flown
// once more from its start, the step says so and still aligns; an output that stays off fails the step
// naming the output and the cable, after the one retry.
import { describe, expect, it } from 'vitest';
import type { Bench } from '../../../../drivers/bench/bench.ts';
import type { Hexapod } from '../../../../drivers/roles/hexapod.ts';
import { alignStep } from '../../../../sequences/steps/align/align-step.ts';
import { FlyTriggerError } from '../../../../sequences/steps/align/errors.ts';
import type { VirtualBench } from '../../../../sim/index.ts';
import { memoryContext } from '../../../bench/align/bench-context.ts';
import { openArray } from '../../../bench/array/open-array.ts';

const CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8];
type Wire = { session: { write(s: string): Promise<void> } };

/** The bench with light on and its hexapod, whose recorder set-up (one per new line axis) can be hooked. */
async function open(seed: number): Promise<{ vb: VirtualBench; bench: Bench; hex: Hexapod; sent: string[] }> {
  const { vb, bench, hex } = await openArray(seed);
  const sent: string[] = [];
  const wire = (hex as unknown as Wire).session;
  const write = wire.write.bind(wire);
  wire.write = async (s: string) => {
    sent.push(s.trim());
    return write(s);
  };
  return { vb, bench, hex, sent };
}

/** Switches the output off behind the driver before the recorder is set for the `nth` line axis (and, with `always`, every one after). */
function switchOffAt(hex: Hexapod, nth: number, always = false): { times: number } {
  const state = { times: 0 };
  let calls = 0;
  const recordAxis = hex.recordAxis.bind(hex);
  hex.recordAxis = async (axis) => {
    calls += 1;
    if (calls === nth || (always && calls > nth)) {
      await (hex as unknown as Wire).session.write('TRO 1 0');
      state.times += 1;
    }
    return recordAxis(axis);
  };
  return state;
}

describe('array fly lines without a trigger pulse', () => {
  it('a line whose log got no pulse is re-armed in full and flown again; the step says so and aligns', async () => {
    const { vb, bench, hex, sent } = await open(4);
    try {
      // The third new line axis: after first light (X rows) and the roll line (Y), the X line.
      const off = switchOffAt(hex, 3);
      const ctx = memoryContext(vb, bench);
      const out = await alignStep.run(ctx, alignStep.schema.parse({ channels: CHANNELS, objective: 'min' }));
      expect(off.times).toBe(1);
      expect(ctx.warnings.filter((w) => /got no trigger pulse; re-armed the trigger and flew the line again/.test(w))).toHaveLength(1);
      expect(out.notes?.some((n) => /no trigger pulse; re-armed/.test(n))).toBe(true);
      // Re-armed in full: the output enabled again after it was switched off, not assumed on.
      const offAt = sent.lastIndexOf('TRO 1 0');
      expect(sent.slice(offAt + 1)).toContain('TRO 1 1');
      // And still aligned: every channel within 0.5 dB of its own optimum.
      const shortfalls = ctx.rows.filter((r) => r.table === 'align_channels').map((r) => Number(r.row['shortfall_dB']));
      expect(shortfalls).toHaveLength(8);
      for (const s of shortfalls) expect(s).toBeLessThan(0.5);
    } finally {
      await bench.close();
      await vb.close();
    }
  }, 60_000);

  it('an output that stays off fails the step after the one retry, naming the output and its cable', async () => {
    const { vb, bench, hex } = await open(4);
    try {
      switchOffAt(hex, 3, true);
      const ctx = memoryContext(vb, bench);
      const err = await alignStep.run(ctx, alignStep.schema.parse({ channels: CHANNELS, objective: 'min' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlyTriggerError);
      expect((err as Error).message).toMatch(/no pulse from the stage's trigger output 1.*cabled to the meter's trigger input.*got no pulse twice/);
      expect(ctx.warnings.filter((w) => /no trigger pulse/.test(w))).toHaveLength(1);
    } finally {
      await bench.close();
      await vb.close();
    }
  }, 60_000);
});
