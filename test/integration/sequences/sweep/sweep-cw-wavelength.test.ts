// After a sweep the laser rests at the sweep's start wavelength (continuous) or its last step (step), as the
// real lasers do; the sweep step sets the wavelength the sequence had set back, so a later step that sets
// none of its own (a `ber` after `set: laser.wavelength`) works where the sequence meant it to.
import { afterEach, describe, expect, it } from 'vitest';
import { SweepError, sweepStep } from '../../../../sequences/steps/sweep/index.ts';
import { hookBench, openOpticalSim, recordedContext } from '../ber/optical-sim.ts';
import type { OpticalSim } from '../ber/optical-sim.ts';

let open: OpticalSim[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function sim(seed: number): Promise<OpticalSim> {
  const s = await openOpticalSim({ seed });
  open.push(s);
  return s;
}

const SWEEPS = {
  continuous: { start: '1530nm', stop: '1570nm', step: '100pm', speed: '20nm/s' },
  step: { mode: 'step', start: '1530nm', stop: '1570nm', step: '2nm' },
} as const;

describe('the sweep step leaves the laser at the wavelength it found', () => {
  for (const [mode, where] of [['continuous', 1530], ['step', 1570]] as const) {
    it(`${mode}: the sweep leaves the laser at ${where} nm; the step sets 1552.5 nm back`, async () => {
      const s = await sim(21);
      await s.bench.laser.setWavelength_nm(1552.5);
      let afterSweep: number | undefined;
      // Where the laser is once the sweep itself is over (before the step puts it back).
      const bench = mode === 'continuous'
        ? hookBench(s.bench, 'laser', 'fetchWavelengthLog_nm', async () => void (afterSweep = await s.bench.laser.wavelength_nm()))
        : s.bench;
      const ctx = recordedContext(s.sim, bench);
      await sweepStep.run(ctx, sweepStep.schema.parse(SWEEPS[mode]));
      if (mode === 'continuous') expect(afterSweep).toBe(where);
      else expect(ctx.rows['spectrum']?.at(-1)?.['wavelength_nm']).toBe(where);
      expect(await s.bench.laser.wavelength_nm()).toBe(1552.5);
      expect(ctx.logs).toContain('laser set back to 1552.5 nm, where it was before the sweep');
      expect(ctx.warnings).toEqual([]);
      // And it has settled there: the light the meter sees is the CW light at 1552.5 nm again.
      expect(await s.bench.meter.readPower_dBm(2)).toBeGreaterThan(-40);
    });
  }

  it('a sweep that fails still puts the laser back (best effort), and the failure is what the step reports', async () => {
    const s = await sim(22);
    await s.bench.laser.setWavelength_nm(1549);
    const dark = hookBench(s.bench, 'laser', 'startSweep', () => s.sim.faults.tripInterlock());
    const ctx = recordedContext(s.sim, dark);
    await expect(sweepStep.run(ctx, sweepStep.schema.parse(SWEEPS.continuous))).rejects.toThrow(SweepError);
    expect(await s.bench.laser.wavelength_nm()).toBe(1549);
  });
});
