// The BERT stalls mid-measurement — its link holds everything for a few seconds, or the box itself swallows
// what it is sent — and, the hardest case, several BERT faults land back to back inside the deadline: the run
// pauses, resynchronises (a fresh connection after an attempt that got nowhere), re-identifies, re-reads the
// outputs and the BER sweep goes on from its last point to its end, every point once.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';
import { SIM_BENCH_STAGE_ROLE } from '../../../sim/link/bench-file.ts';
import { startProxiedSim, type ProxiedSim } from '../../helpers/proxied-sim.ts';

const ROLES = ['laser', 'meter', 'voa', 'bert', SIM_BENCH_STAGE_ROLE];
let rig: ProxiedSim;
let run: PreparedRun | undefined;

beforeEach(async () => {
  rig = await startProxiedSim({ seed: 1, mode: 'realtime', roles: ROLES, prefix: 'bert-stall' });
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  await rig.close();
});

describe('a BERT stall mid-measurement', () => {
  for (const [how, stall_s] of [['link', 9], ['box', 3]] as const) {
    it(`a ${stall_s} s stall of the BERT's ${how} during the BER sweep: recovered, the sweep finishes`, async () => {
      const bench = rig.benchFile();
      run = await prepareRun({
        sequenceFile: join(process.cwd(), 'sequences/library/ber-waterfall.yaml'), outDir: join(rig.dir, 'runs'), bench: { sim: false, file: bench },
        set: ['target=1e-9', 'attenuation_start=1dB', 'attenuation_stop=4dB', 'attenuation_step=0.5dB', 'laser_power=10dBm'],
        recovery: { deadline_s: 30, backoff_s: 0.5, maxBackoff_s: 4, safeDeadline_s: 60 },
      });
      const events: RunEvent[] = [];
      let stalled = false;
      run.engine.on((e) => {
        events.push(e);
        if (e.type === 'point' && e.stepId === 'ber' && e.index === 2 && !stalled) {
          stalled = true;
          if (how === 'link') rig.proxies.bert?.stall(stall_s);
          else {
            rig.sim.faults.stopAnswering('bert');
            setTimeout(() => rig.sim.faults.stopAnswering('bert', false), stall_s * 1000);
          }
        }
      });
      const result = await run.engine.run();
      expect(result.message ?? '').toBe('');
      expect(events.filter((e) => e.type === 'instrument-lost').map((e) => e.role)).toContain('bert');
      expect(result.status).toBe('passed');
    }, 120_000);
  }

  it('back-to-back BERT faults (box stall, link stall, garbage, box stall) inside the deadline: recovered', async () => {
    const bench = rig.benchFile();
    run = await prepareRun({
      sequenceFile: join(process.cwd(), 'sequences/library/ber-waterfall.yaml'), outDir: join(rig.dir, 'runs'), bench: { sim: false, file: bench },
      set: ['target=1e-9', 'attenuation_start=1dB', 'attenuation_stop=4dB', 'attenuation_step=0.5dB', 'laser_power=10dBm'],
      recovery: { deadline_s: 30, backoff_s: 0.5, maxBackoff_s: 4, safeDeadline_s: 60 },
    });
    const events: RunEvent[] = [];
    let started = false;
    const wait = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
    const storm = async () => {
      rig.sim.faults.stopAnswering('bert');
      await wait(4);
      rig.sim.faults.stopAnswering('bert', false);
      await wait(1);
      rig.proxies.bert?.stall(6);
      await wait(7);
      rig.sim.faults.answerGarbage('bert', 1);
      await wait(1);
      rig.sim.faults.stopAnswering('bert');
      await wait(4);
      rig.sim.faults.stopAnswering('bert', false);
    };
    let storming: Promise<void> | undefined;
    run.engine.on((e) => {
      events.push(e);
      if (e.type === 'point' && e.stepId === 'ber' && e.index === 2 && !started) {
        started = true;
        storming = storm();
      }
    });
    const result = await run.engine.run();
    await storming;
    expect(result.message ?? '').toBe('');
    expect(result.status).toBe('passed');
    // One fault, however many attempts it took; every BER point recorded once.
    expect(events.filter((e) => e.type === 'instrument-lost').map((e) => e.role)).toEqual(['bert']);
    const points = events.flatMap((e) => (e.type === 'point' && e.stepId === 'ber' ? [e.row['attenuation_dB']] : []));
    expect(points).toEqual([...new Set(points)]);
    expect(points).toHaveLength(7);
  }, 180_000);

  it("the BERT's link drops while its gate counts: back at once, no *OPC? held behind the gate", async () => {
    const bench = rig.benchFile();
    run = await prepareRun({
      sequenceFile: join(process.cwd(), 'sequences/library/ber-waterfall.yaml'), outDir: join(rig.dir, 'runs'), bench: { sim: false, file: bench },
      set: ['target=1e-9', 'attenuation_start=1dB', 'attenuation_stop=4dB', 'attenuation_step=0.5dB', 'laser_power=10dBm'],
      recovery: { deadline_s: 30, backoff_s: 0.5, maxBackoff_s: 4, safeDeadline_s: 60 },
    });
    const proxy = rig.proxies.bert;
    if (!proxy) throw new Error('no bert proxy');
    let starts = 0;
    let dropped = -1;
    proxy.onLine = (line) => {
      // The third point's gate, dropped while it counts (the box keeps counting: a gate is not the link's).
      if (line.includes(':SENS:MEAS:STAR') && ++starts === 3) setTimeout(() => { dropped = proxy.asked.length; proxy.drop(); }, 50);
    };
    const events: RunEvent[] = [];
    run.engine.on((e) => events.push(e));
    const result = await run.engine.run();
    expect(result.message ?? '').toBe('');
    expect(result.status).toBe('passed');
    const restored = events.find((e) => e.type === 'instrument-restored' && e.role === 'bert');
    expect(restored).toBeDefined();
    // *OPC? would have waited for the rest of the gate (minutes at 1e-9), and every command behind it.
    expect(dropped).toBeGreaterThan(0);
    expect(proxy.asked.slice(dropped).filter((l) => l.includes('*OPC?'))).toEqual([]);
    expect(restored?.type === 'instrument-restored' && restored.outage_s).toBeLessThan(10);
  }, 120_000);
});
