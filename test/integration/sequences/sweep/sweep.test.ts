// The sweep step against the simulated bench: recovery of the hidden grating spectrum, resume after a
// dropped connection (through the engine), and an interlock trip.
import { afterEach, describe, expect, it } from 'vitest';
import { SweepError, sweepStep } from '../../../../sequences/steps/sweep/index.ts';
import type { SiteTruth } from '../../../../sim/world/truth.ts';
import { engineRun } from '../ber/engine-run.ts';
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

/**
 * The loopback's two gratings, both parabolas in dB, add to one parabola: curvatures add, the centre is
 * their curvature-weighted mean. That is what the spectrum should show, before the Fabry–Perot ripple.
 */
function expectedSpectrum(site: SiteTruth): { centre_nm: number; bandwidth1dB_nm: number; peakLoss_dB: number } {
  const cs = [site.couplerIn, site.couplerOut];
  const w = cs.map((c) => 1 / (c.bandwidth1dB_nm / 2) ** 2);
  const wsum = (w[0] ?? 0) + (w[1] ?? 0);
  const centre_nm = cs.reduce((s, c, i) => s + (w[i] ?? 0) * c.centre_nm, 0) / wsum;
  const peakLoss_dB = cs.reduce((s, c, i) => s + c.peakLoss_dB + (w[i] ?? 0) * (centre_nm - c.centre_nm) ** 2, 0) + site.waveguideLoss_dB;
  return { centre_nm, bandwidth1dB_nm: 2 / Math.sqrt(wsum), peakLoss_dB };
}

// Tolerances: the fiber–chip Fabry–Perot ripple (0.15–0.4 dB peak to peak, one period over ~60 nm at a
// 20 µm gap) tilts and bends the measured parabola: up to ~0.6 nm of centre and a few % of bandwidth.
// The peak loss also carries the 1 % tap's ±5 % (±0.2 dB), the splitter's 0.05–0.25 dB excess over the
// 3.01 dB corrected, the ripple and the coupling loss at the optimum.
const CENTRE_TOL_NM = 1;
const BANDWIDTH_TOL = 0.06;
const PEAK_TOL_DB = 0.7;

describe('sweep on the simulated bench', () => {
  for (const mode of ['continuous', 'step'] as const) {
    it(`a ${mode} sweep recovers the hidden centre, bandwidth and peak loss (seeds 1–3)`, async () => {
      for (const seed of [1, 2, 3]) {
        const s = await sim(seed);
        const truth = expectedSpectrum(s.sim.truth().optical.sites[0] as SiteTruth);
        const ctx = recordedContext(s.sim, s.bench);
        const p = sweepStep.schema.parse({ mode, start: '1510nm', stop: '1590nm', step: mode === 'step' ? '1nm' : '20pm', speed: '20nm/s', output_loss: '3.01dB' });
        const t0 = s.sim.benchTime_s();
        const out = await sweepStep.run(ctx, p);
        const spent = s.sim.benchTime_s() - t0;
        const m = out.measurements;
        expect(ctx.rows['spectrum']).toHaveLength(mode === 'step' ? 81 : 4001);
        expect(Math.abs((m['centre_nm']?.value ?? 0) - truth.centre_nm), `seed ${seed} centre`).toBeLessThan(CENTRE_TOL_NM);
        expect(Math.abs((m['bandwidth1dB_nm']?.value ?? 0) / truth.bandwidth1dB_nm - 1), `seed ${seed} bandwidth`).toBeLessThan(BANDWIDTH_TOL);
        expect(Math.abs((m['peakLoss_dB']?.value ?? 0) - truth.peakLoss_dB), `seed ${seed} peak`).toBeLessThan(PEAK_TOL_DB);
        expect(m['centreSigma_nm']?.value).toBeGreaterThan(0);
        expect(m['rSquared']?.value).toBeGreaterThan(mode === 'step' ? 0.99 : 0.9); // 0.5 ms samples: ~0.1 dB noise each
        expect(ctx.fits['grating']?.parameters['centre_nm']?.value).toBe(m['centre_nm']?.value);
        expect(ctx.warnings).toEqual([]);
        // The plan's ETA is within a third of the bench time the sweep took.
        expect(sweepStep.estimate_s(p, { name: 'sim', roles: {}, simulated: true }) / spent).toBeGreaterThan(0.67);
        expect(sweepStep.estimate_s(p, { name: 'sim', roles: {}, simulated: true }) / spent).toBeLessThan(1.5);
        await s.close();
        open = [];
      }
    });
  }

  it('rows carry the output reading, the monitored input and the loss between them', async () => {
    const s = await sim(4);
    const ctx = recordedContext(s.sim, s.bench);
    await sweepStep.run(ctx, sweepStep.schema.parse({ mode: 'step', start: '1540nm', stop: '1560nm', step: '5nm', output_loss: '3.01dB' }));
    const rows = ctx.rows['spectrum'] ?? [];
    expect(rows.map((r) => r['wavelength_nm'])).toEqual([1540, 1545, 1550, 1555, 1560]);
    for (const r of rows) {
      expect(r['loss_dB']).toBeCloseTo((r['reference_dBm'] as number) - ((r['power_dBm'] as number) + 3.01), 9);
      expect(r['reference_dBm']).toBeGreaterThan(-10); // ~0 dBm laser − modulator − VOA: a few dB below 0 dBm
    }
  });

  it('a step sweep whose meter connection drops mid-sweep is resumed by the engine from its last point', async () => {
    const s = await sim(5);
    const run = engineRun(s, `metadata: { dut: CHIP-1 }
steps:
  - sweep: { mode: step, start: 1530nm, stop: 1570nm, step: 1nm, output_loss: 3.01dB }
`);
    let drops = 0;
    run.engine.on((e) => {
      if (e.type === 'point' && e.index === 16 && drops === 0) {
        drops = s.sim.faults.dropConnection('meter');
      }
    });
    const result = await run.engine.run();
    expect(drops).toBe(1);
    expect(result.status).toBe('passed');
    const types = run.events.map((e) => e.type);
    expect(types).toContain('instrument-lost');
    expect(types).toContain('instrument-restored');
    const wl = run.rows('spectrum').map((r) => r['wavelength_nm']);
    expect(wl).toEqual(Array.from({ length: 41 }, (_, i) => 1530 + i)); // no duplicate, none missing
    const m = result.measurements.values().next().value;
    expect(m?.['centre_nm']?.value).toBeGreaterThan(1535);
    expect(m?.['points']?.value).toBe(41); // the fit saw the points from before the drop too
  });

  it('a step sweep resumed after the fiber moved is refused: the new points would not join the old spectrum', async () => {
    const s = await sim(9);
    const p = sweepStep.schema.parse({ mode: 'step', start: '1530nm', stop: '1570nm', step: '1nm' });
    const first = recordedContext(s.sim, s.bench);
    const point = first.point;
    first.point = async (table, row) => {
      if ((first.rows[table]?.length ?? 0) === 12) throw new Error('killed');
      await point(table, row);
    };
    await expect(sweepStep.run(first, p)).rejects.toThrow('killed');
    const x = await s.bench.stage.position_um('X');
    await s.bench.stage.moveAbsolute_um('X', x + 4); // ~2 dB of loopback coupling lost
    await s.bench.stage.waitForMotion();
    const err = await sweepStep.run(recordedContext(s.sim, s.bench, first), p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect(String(err)).toMatch(/the loss at 1541 nm reads [\d.]+ dB where [\d.]+ dB was recorded before the interruption/);
    await s.bench.stage.moveAbsolute_um('X', x);
    await s.bench.stage.waitForMotion();
    const again = recordedContext(s.sim, s.bench, first);
    await sweepStep.run(again, p);
    expect(again.rows['spectrum']?.map((r) => r['wavelength_nm'])).toEqual(Array.from({ length: 41 }, (_, i) => 1530 + i));
  });

  it('a continuous sweep interrupted after some rows is run again and writes only the missing rows', async () => {
    const s = await sim(6);
    const p = sweepStep.schema.parse({ start: '1520nm', stop: '1580nm', step: '100pm', speed: '20nm/s' });
    const first = recordedContext(s.sim, s.bench);
    first.point = async (table, row) => {
      if ((first.rows[table]?.length ?? 0) === 250) throw new Error('killed while writing rows');
      (first.rows[table] ??= []).push(row);
    };
    await expect(sweepStep.run(first, p)).rejects.toThrow(/killed/);
    // The fiber moved meanwhile: the re-run does not match the rows already recorded.
    const x = await s.bench.stage.position_um('X');
    await s.bench.stage.moveAbsolute_um('X', x + 4);
    await s.bench.stage.waitForMotion();
    const moved = recordedContext(s.sim, s.bench, first);
    await expect(sweepStep.run(moved, p)).rejects.toThrow(/differs from the 250 rows recorded before the interruption by [\d.]+ dB \(median\)/);
    expect(moved.rows['spectrum']).toHaveLength(250);
    await s.bench.stage.moveAbsolute_um('X', x);
    await s.bench.stage.waitForMotion();
    const again = recordedContext(s.sim, s.bench, first);
    const out = await sweepStep.run(again, p);
    expect(again.rows['spectrum']).toHaveLength(601);
    expect(again.rows['spectrum']?.map((r) => Math.round((r['wavelength_nm'] as number) * 10))).toEqual(Array.from({ length: 601 }, (_, i) => 15200 + i));
    expect(again.warnings[0]).toMatch(/interrupted after 250 rows were recorded; it is run again from 1520 nm/);
    expect(out.measurements['points']?.value).toBe(601);
  });

  it('an interlock trip mid-sweep stops the step with a clear error; the points before it are kept', async () => {
    const s = await sim(7);
    const ctx = recordedContext(s.sim, s.bench);
    const point = ctx.point;
    ctx.point = async (table, row) => {
      await point(table, row);
      if (ctx.rows[table]?.length === 10) s.sim.faults.tripInterlock();
    };
    const err = await sweepStep.run(ctx, sweepStep.schema.parse({ mode: 'step', start: '1530nm', stop: '1570nm', step: '1nm' })).catch((e: unknown) => e);
    // the laser refuses the next wavelength with its interlock error (or the step finds it dark)
    expect(String(err)).toMatch(/interlock/i);
    expect(ctx.rows['spectrum']).toHaveLength(10);
  });

  for (const mode of ['step', 'continuous'] as const) {
    it(`a ${mode} sweep gives every meter channel it touched back its calibration wavelength and averaging time`, async () => {
      const s = await sim(11);
      const meter = s.bench.meter;
      for (const ch of meter.channels) {
        await meter.setWavelength_nm(ch, 1550);
        await meter.setAveragingTime_s(ch, 0.1);
      }
      const p = sweepStep.schema.parse(mode === 'step'
        ? { mode, start: '1540nm', stop: '1560nm', step: '5nm' }
        : { start: '1540nm', stop: '1560nm', step: '100pm', speed: '20nm/s' });
      await sweepStep.run(recordedContext(s.sim, s.bench), p);
      // A later `measure` without wavelength:/averaging_time: reads with the sequence's settings, not the sweep's.
      for (const ch of meter.channels) {
        expect(await meter.wavelength_nm(ch), `channel ${ch}`).toBe(1550);
        expect(await meter.averagingTime_s(ch), `channel ${ch}`).toBe(0.1);
      }
    });
  }

  it('a continuous sweep leaves the meter taking single readings again (its logging stopped), also when it fails', async () => {
    const s = await sim(10);
    await sweepStep.run(recordedContext(s.sim, s.bench), sweepStep.schema.parse({ start: '1540nm', stop: '1560nm', step: '100pm', speed: '20nm/s' }));
    // The next step's readings (measure, ber) would be refused with -221 while a finished log holds the function.
    expect(await s.bench.meter.readPower_dBm(1)).toBeLessThan(0);
    expect(await s.bench.meter.readPower_dBm(2)).toBeLessThan(0);
    const dark = hookBench(s.bench, 'laser', 'startSweep', () => s.sim.faults.tripInterlock());
    await expect(sweepStep.run(recordedContext(s.sim, dark), sweepStep.schema.parse({ start: '1540nm', stop: '1560nm', step: '100pm', speed: '20nm/s' })))
      .rejects.toThrow(SweepError);
    expect(await s.bench.meter.readPower_dBm(1)).toBeLessThan(-50); // dark: the floor
  });

  it('an interlock trip during a continuous sweep stops the step before it waits on logs that cannot complete', async () => {
    const s = await sim(8);
    const bench = hookBench(s.bench, 'laser', 'startSweep', () => s.sim.faults.tripInterlock());
    const ctx = recordedContext(s.sim, bench);
    const err = await sweepStep.run(ctx, sweepStep.schema.parse({ start: '1520nm', stop: '1580nm', step: '100pm', speed: '10nm/s' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect(String(err)).toMatch(/laser output \(SIM::laser\) went off during the continuous sweep — an interlock/);
    expect(ctx.rows['spectrum']).toBeUndefined();
  });
});
