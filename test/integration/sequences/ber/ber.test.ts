// The ber step against the simulated bench: the waterfall fit against the hidden receiver, honest claims
// at each point, loss of BERT sync (mid-gate, between gates, for good), a dropped connection resumed by the
// engine, and an interlock trip.
import { afterEach, describe, expect, it } from 'vitest';
import { BerSweepError, berStep } from '../../../../sequences/steps/ber/index.ts';
import type { Row } from '../../../../sequences/step.ts';
import { engineRun } from './engine-run.ts';
import { hookBench, openOpticalSim, recordedContext } from './optical-sim.ts';
import type { OpticalSim } from './optical-sim.ts';
import { attenuationForBer, trueBerAt, trueSensitivity_dBm } from './waterfall-truth.ts';

let open: OpticalSim[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

/** The default BERT is an MP1900A (one running gate per point); 'scpi-bert' chains exact-length gates. */
async function sim(seed: number, bertDialect?: 'scpi-bert'): Promise<OpticalSim> {
  const s = await openOpticalSim({ seed, laserPower_dBm: 13, ...(bertDialect ? { bertDialect } : {}) });
  open.push(s);
  return s;
}

/** 14 points 0.3 dB apart, from ~1e-3 down past the true 1e-12 point (as a user would lay out a waterfall). */
async function grid(s: OpticalSim, offset_dB = 0): Promise<{ start: string; stop: string; step: string }> {
  const a = await attenuationForBer(s, 1e-12);
  return { start: `${(a - 0.6 + offset_dB).toFixed(3)}dB`, stop: `${(a + 3.3 + offset_dB).toFixed(3)}dB`, step: '0.3dB' };
}

const statuses = (rows: Row[] | undefined) => (rows ?? []).map((r) => r['status']);

describe('ber on the simulated bench', () => {
  it('the waterfall fit recovers the hidden receiver sensitivity, and every claim holds against the truth', async () => {
    for (const seed of [1, 2, 3]) {
      const s = await sim(seed);
      const truth = await trueSensitivity_dBm(s, 1e-12);
      const ctx = recordedContext(s.sim, s.bench);
      const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), receiver: { sensitivity: '-12dBm' } }));
      const m = out.measurements;
      // loglog extrapolates ~0.1 dB pessimistically (models/README); the Q fit is exact for this receiver.
      expect(Math.abs((m['sensitivity_dBm']?.value ?? 0) - truth), `seed ${seed} loglog`).toBeLessThan(0.25);
      expect(Math.abs((m['sensitivityQ_dBm']?.value ?? 0) - truth), `seed ${seed} q`).toBeLessThan(0.1);
      expect(m['slopeQ_dB_per_dB']?.value).toBeCloseTo(2, 0); // thermal-noise limited
      expect(m['rSquared']?.value).toBeGreaterThan(0.99);
      expect(m['predictedSensitivity_dBm']?.value).toBe(-12);
      expect(m['margin_dB']?.value).toBeCloseTo(-12 - (m['sensitivity_dBm']?.value ?? 0), 9);
      expect(Object.keys(ctx.fits).sort()).toEqual(['receiver-model', 'receiver-q-model', 'waterfall-loglog', 'waterfall-q']);

      const rows = ctx.rows['ber'] ?? [];
      expect(rows).toHaveLength(14);
      expect(rows.map((r) => r['attenuation_dB'])).toEqual([...rows.map((r) => r['attenuation_dB'])].sort((a, b) => (b as number) - (a as number)));
      expect(statuses(rows)).toContain('bounded');
      let measured = 0, covered = 0;
      for (const r of rows) {
        const ber = await trueBerAt(s, r['attenuation_dB'] as number);
        if (r['status'] === 'bounded') expect(ber, `seed ${seed} bounded at ${r['attenuation_dB']} dB`).toBeLessThanOrEqual(r['ber_upper'] as number);
        if (r['status'] === 'measured') {
          measured++;
          if (ber >= (r['ber_lower'] as number) && ber <= (r['ber_upper'] as number)) covered++;
        }
      }
      expect(measured).toBeGreaterThanOrEqual(9);
      expect(covered).toBeGreaterThanOrEqual(measured - 2); // 95 % intervals: rarely more than one miss in ten
      for (const w of ctx.warnings.filter((x) => x.includes('skipped'))) expect(w).toMatch(/predicted BER|already shown/);
      await s.close();
      open = [];
    }
  });

  it('counting live (one gate read while it runs) gives the same waterfall', async () => {
    const s = await sim(4);
    const truth = await trueSensitivity_dBm(s, 1e-12);
    const ctx = recordedContext(s.sim, s.bench);
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), counting: 'live' }));
    expect(Math.abs((out.measurements['sensitivityQ_dBm']?.value ?? 0) - truth)).toBeLessThan(0.1);
    expect(statuses(ctx.rows['ber'])).toContain('bounded');
  });

  it('with sync_retries 0, a loss of pattern sync during a gate marks that point, warns, and the sweep goes on', async () => {
    const s = await sim(5, 'scpi-bert');
    let gates = 0, lost = false;
    const onGate = hookBench(s.bench, 'bert', 'startGate', () => {
      if (++gates === 12) {
        s.sim.faults.loseBertSync(); // from the start of this gate
        lost = true;
      }
    });
    const bench = hookBench(onGate, 'bert', 'results', () => {
      if (lost) s.sim.faults.restoreBertSync();
    });
    const ctx = recordedContext(s.sim, bench);
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), sync_retries: 0 }));
    const rows = ctx.rows['ber'] ?? [];
    const bad = rows.filter((r) => r['status'] === 'sync-lost');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ ber: '', ber_upper: '', ber_lower: '', confidence: '' });
    expect(bad[0]?.['bits']).toBeGreaterThan(0); // the counts are recorded as counted, not as zero errors
    expect(ctx.warnings.some((w) => /pattern sync lost during a gate .* the counts are not valid; point marked sync-lost/.test(w))).toBe(true);
    expect(out.measurements['syncLostPoints']?.value).toBe(1);
    expect(rows.indexOf(bad[0] as Row)).toBeLessThan(rows.length - 2);
    expect(statuses(rows.slice(rows.indexOf(bad[0] as Row) + 1))).toContain('measured');
    expect(out.measurements['sensitivity_dBm']).toBeDefined();
  });

  it('a sync loss that heals is counted again from zero once sync is back: the point is measured, not lost', async () => {
    const s = await sim(5, 'scpi-bert');
    let gates = 0, point = -1;
    const onGate = hookBench(s.bench, 'bert', 'startGate', () => {
      if (++gates === 12) {
        s.sim.faults.loseBertSync();
        point = ctx.rows['ber']?.length ?? 0; // the point being counted
      }
    });
    const bench = hookBench(onGate, 'bert', 'results', () => {
      if (point >= 0) s.sim.faults.restoreBertSync();
    });
    const ctx = recordedContext(s.sim, bench);
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s) }));
    const rows = ctx.rows['ber'] ?? [];
    expect(point).toBeGreaterThanOrEqual(0);
    expect(rows).toHaveLength(14); // one row per attenuation, the retried point once
    expect(statuses(rows)).not.toContain('sync-lost');
    expect(['measured', 'bounded']).toContain(rows[point]?.['status']);
    const truth = await trueBerAt(s, rows[point]?.['attenuation_dB'] as number);
    if (rows[point]?.['status'] === 'measured') {
      expect(truth).toBeGreaterThanOrEqual(rows[point]?.['ber_lower'] as number);
      expect(truth).toBeLessThanOrEqual(rows[point]?.['ber_upper'] as number);
    }
    expect(ctx.warnings.some((w) => /pattern sync lost during a gate .*; sync is back: counting the point again \(retry 1 of 1\)/.test(w))).toBe(true);
    expect(out.measurements['syncRetriedPoints']?.value).toBe(1);
    expect(out.measurements['syncLostPoints']?.value).toBe(0);
  });

  it('no sync at the start of a point where a weaker signal locked (a 1.5 s fault): waited out, the point measured, not lost', async () => {
    const s = await sim(5, 'scpi-bert');
    let sets = 0, lostAt = -1, waitedSinceLoss = 0;
    const bench = hookBench(s.bench, 'voa', 'setAttenuation_dB', () => {
      if (++sets === 8) {
        s.sim.faults.loseBertSync(); // as the soak's bert-sync fault does, for 1.5 s
        lostAt = sets - 1;
      }
    });
    const ctx = recordedContext(s.sim, bench);
    ctx.wait_s = async (d) => {
      await s.sim.clock.advance(d);
      if (lostAt >= 0 && waitedSinceLoss < 1.5) {
        waitedSinceLoss += d;
        if (waitedSinceLoss >= 1.5) s.sim.faults.restoreBertSync();
      }
    };
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s) }));
    const rows = ctx.rows['ber'] ?? [];
    expect(lostAt).toBeGreaterThan(0);
    expect(waitedSinceLoss).toBeGreaterThanOrEqual(1.5);
    expect(rows).toHaveLength(14); // one row per attenuation: nothing lost, nothing twice
    expect(statuses(rows)).not.toContain('no-sync');
    expect(['measured', 'bounded', 'failed']).toContain(rows[lostAt]?.['status']);
    expect(ctx.warnings.some((w) => /no pattern sync at the start of the point, although -?[\d.]+ dBm locked: a transient; waiting up to 5 s for sync \(retry 1 of 1\)/.test(w))).toBe(true);
    expect(out.measurements['sensitivity_dBm']).toBeDefined();
    expect(out.measurements['syncRetriedPoints']?.value).toBe(1);
  });

  it('with sync_retries 0, that same point is marked no-sync at once (no waiting)', async () => {
    const s = await sim(5, 'scpi-bert');
    let sets = 0;
    const bench = hookBench(s.bench, 'voa', 'setAttenuation_dB', () => {
      if (++sets === 8) s.sim.faults.loseBertSync();
      if (sets === 9) s.sim.faults.restoreBertSync();
    });
    const ctx = recordedContext(s.sim, bench);
    await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), sync_retries: 0 }));
    const rows = ctx.rows['ber'] ?? [];
    expect(rows[7]?.['status']).toBe('no-sync');
    expect(ctx.warnings.some((w) => /a transient; waiting/.test(w))).toBe(false);
  });

  it('sync lost again during the retry: the point is marked sync-lost after its retries, and the sweep goes on', async () => {
    const s = await sim(5, 'scpi-bert');
    let gates = 0, armed = 0;
    const onGate = hookBench(s.bench, 'bert', 'startGate', () => {
      if (++gates === 12) armed = 3; // this gate and the retries' first gates lose sync
      if (armed > 0) s.sim.faults.loseBertSync();
    });
    const bench = hookBench(onGate, 'bert', 'results', () => {
      if (armed > 0) {
        armed--;
        s.sim.faults.restoreBertSync();
      }
    });
    const ctx = recordedContext(s.sim, bench);
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), sync_retries: 2 }));
    const rows = ctx.rows['ber'] ?? [];
    expect(statuses(rows).filter((x) => x === 'sync-lost')).toHaveLength(1);
    expect(ctx.warnings.filter((w) => /counting the point again \(retry [12] of 2\)/.test(w))).toHaveLength(2);
    expect(out.measurements['syncRetriedPoints']?.value).toBe(2);
    expect(statuses(rows.slice(rows.findIndex((r) => r['status'] === 'sync-lost') + 1))).toContain('measured');
  });

  it('a loss of sync in the middle of a live gate is caught from the instrument\'s flag', async () => {
    const s = await sim(6);
    const ctx = recordedContext(s.sim, s.bench);
    let injected = false;
    ctx.wait_s = async (d) => {
      // A long look (a low-BER point): sync drops for a second in its middle and comes back before the read.
      const now = !injected && d >= 2;
      await s.sim.clock.advance(d / 2);
      if (now) s.sim.faults.loseBertSync();
      await s.sim.clock.advance(now ? 1 : 0);
      if (now) s.sim.faults.restoreBertSync();
      await s.sim.clock.advance(d / 2 - (now ? 1 : 0));
      injected ||= now;
    };
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s), counting: 'live' }));
    expect(injected).toBe(true);
    // Caught, and (sync being back at the read) the point counted again rather than lost.
    expect(ctx.warnings.some((w) => /pattern sync lost during the gate .*sync is back: counting the point again/.test(w))).toBe(true);
    expect(statuses(ctx.rows['ber'])).not.toContain('sync-lost');
    expect(out.measurements['syncRetriedPoints']?.value).toBe(1);
  });

  it('sync lost for good: every later point is marked, none is counted, the step still reports', async () => {
    const s = await sim(7);
    let points = 0;
    const ctx = recordedContext(s.sim, s.bench);
    const point = ctx.point;
    ctx.point = async (table, row) => {
      await point(table, row);
      if (++points === 9) s.sim.faults.loseBertSync();
    };
    const out = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s) }));
    const after = statuses(ctx.rows['ber']).slice(9);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((x) => x === 'no-sync' || x === 'skipped')).toBe(true);
    expect(ctx.warnings.filter((w) => /no pattern sync —/.test(w)).length).toBe(after.filter((x) => x === 'no-sync').length);
    // The first point without sync is waited for once (a weaker signal had locked); after that wait failed, no other is.
    expect(ctx.warnings.filter((w) => /a transient; waiting up to 5 s/.test(w))).toHaveLength(1);
    expect(out.measurements['sensitivity_dBm']).toBeDefined(); // from the nine points before
  });

  it('a BERT connection dropped mid-sweep: the engine reconnects and the step resumes from its last point', async () => {
    const s = await sim(8);
    const g = await grid(s);
    const run = engineRun(s, `metadata: { dut: CHIP-1 }
steps:
  - ber: { attenuation: { start: ${g.start}, stop: ${g.stop}, step: ${g.step} } }
`);
    let dropped = 0;
    run.engine.on((e) => {
      if (e.type === 'point' && e.index === 5 && dropped === 0) dropped = s.sim.faults.dropConnection('bert');
    });
    const result = await run.engine.run();
    expect(dropped).toBe(1);
    expect(result.status).toBe('passed');
    expect(run.events.map((e) => e.type)).toContain('instrument-restored');
    const atts = run.rows('ber').map((r) => r['attenuation_dB']);
    expect(atts).toHaveLength(14);
    expect(new Set(atts).size).toBe(14); // no duplicate, none missing
    expect(atts).toEqual([...atts].sort((a, b) => (b as number) - (a as number)));
    const m = result.measurements.values().next().value;
    expect(m?.['points']?.value).toBe(14); // the fit knew the points before the drop
    expect(m?.['sensitivity_dBm']).toBeDefined();
  });

  it('a resume on a bench that lost its state (laser power) is refused rather than mixed into the waterfall', async () => {
    const s = await sim(11);
    const p = berStep.schema.parse({ attenuation: await grid(s) });
    const first = recordedContext(s.sim, s.bench);
    const point = first.point;
    first.point = async (table, row) => {
      if ((first.rows[table]?.length ?? 0) === 6) throw new Error('killed');
      await point(table, row);
    };
    await expect(berStep.run(first, p)).rejects.toThrow('killed');
    await s.bench.laser.setPower_dBm(10); // was 13 dBm
    const err = await berStep.run(recordedContext(s.sim, s.bench, first), p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerSweepError);
    expect(String(err)).toMatch(/the link delivers 3\.\d dB less power .* than it did for the 6 points recorded before the interruption/);
    await s.bench.laser.setPower_dBm(13);
    const again = recordedContext(s.sim, s.bench, first);
    await berStep.run(again, p);
    expect(again.rows['ber']).toHaveLength(14);
    expect(again.logs[0]).toMatch(/continuing the BER sweep after 6 recorded points/);
  });

  it('an abort between gates stops the sweep at once, with the points before it recorded', async () => {
    const s = await sim(10, 'scpi-bert');
    let gates = 0;
    let ctx = recordedContext(s.sim, s.bench);
    const bench = hookBench(s.bench, 'bert', 'startGate', () => {
      if (++gates === 14) ctx.controller.abort();
    });
    ctx = recordedContext(s.sim, bench);
    const err = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s) })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    const recorded = ctx.rows['ber']?.length ?? 0;
    expect(recorded).toBeGreaterThan(5);
    expect(recorded).toBeLessThan(14);
  });

  it('an interlock trip during the sweep stops the step with a clear error, keeping the points before it', async () => {
    const s = await sim(9);
    let gates = 0;
    const bench = hookBench(s.bench, 'bert', 'startGate', () => {
      if (++gates === 12) s.sim.faults.tripInterlock();
    });
    const ctx = recordedContext(s.sim, bench);
    const err = await berStep.run(ctx, berStep.schema.parse({ attenuation: await grid(s) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerSweepError);
    expect(String(err)).toMatch(/laser output \(SIM::laser\) went off at [\d.]+ dB — an interlock or another client/);
    expect((ctx.rows['ber'] ?? []).length).toBeGreaterThan(3);
    expect(statuses(ctx.rows['ber'])).not.toContain('sync-lost');
  });
});
