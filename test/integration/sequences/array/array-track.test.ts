// Holding a fiber array through a cure (array-track.ts) on the simulator: the adhesive pulls the array
// sideways and down; the hold re-peaks when any channel, not only the weakest, has fallen `drop` below
// its own level after the alignment, and every channel ends near that level.
import { describe, expect, it } from 'vitest';
import { openSimBench } from '../../../../sequences/sim-bench.ts';
import { alignStep } from '../../../../sequences/steps/align/align-step.ts';
import { maxDrop_dB } from '../../../../sequences/steps/align/array-track.ts';
import { VirtualBench } from '../../../../sim/index.ts';
import { memoryContext } from '../../../bench/align/bench-context.ts';

const CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('array tracking through a cure', () => {
  it('the largest fall of any channel below its own reference', () => {
    expect(maxDrop_dB([-10, -8, -9], [-10.01, -8.2, -8.9])).toBeCloseTo(0.2, 12);
    expect(maxDrop_dB([-10, -8], [-9, -7])).toBeCloseTo(-1, 12);
  });

  it('re-peaks while the cure pulls and keeps every channel within 0.1 dB of its aligned level', async () => {
    const vb = new VirtualBench({ seed: 7, timing: 'lan', drift_um_per_h: 0 });
    const bench = await openSimBench(vb);
    try {
      await bench.laser.setPower_dBm(6);
      await bench.laser.setOutput(true);
      await bench.voa.setOutput(true);
      const ctx = memoryContext(vb, bench);
      let started = false;
      ctx.wait_s = async (d: number): Promise<void> => {
        if (!started) {
          // 3 µm sideways and 3 µm down with a 12 s time constant: far more than a check's drop.
          vb.startCure({ dx_um: 3, dz_um: -3, tau_s: 12 });
          started = true;
        }
        await vb.clock.advance(d);
      };
      const out = await alignStep.run(ctx, alignStep.schema.parse({ channels: CHANNELS, objective: 'min', track: { for: '40s', every: '1s', drop: '0.03dB' } }));
      const aligned = ctx.rows.filter((r) => r.table === 'align_channels').map((r) => Number(r.row['power_dBm']));
      const track = ctx.rows.filter((r) => r.table === 'align_track').map((r) => r.row);
      expect(track.length).toBeGreaterThanOrEqual(30);
      // The check's reading is in the record: its largest channel drop is what decided each re-peak.
      for (const r of track) expect(r['repeaked']).toBe(Number(r['max_drop_dB']) > 0.03);
      expect(track.some((r) => r['repeaked'] === true)).toBe(true);
      expect(out.notes?.find((n) => n.startsWith('tracking'))).toMatch(/[1-9]\d* re-peaks/);
      // Where the cure has nearly settled (3 τ), every channel back near its aligned level (20 ms readings).
      const meter = bench.get('meter-array', 'meter');
      for (const ch of CHANNELS) await meter.setAveragingTime_s(ch, 0.1);
      const now = await meter.readAll_dBm();
      const drops = CHANNELS.map((ch, i) => (aligned[i] as number) - (now[meter.channels.indexOf(ch)] as number));
      expect(Math.max(...drops)).toBeLessThan(0.1);
    } finally {
      await bench.close();
      await vb.close();
    }
  }, 60_000);
});
