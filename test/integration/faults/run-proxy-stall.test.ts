// A run through fault proxies over real sockets: the meter's link stalls for 3 s in the middle of a
// measure step (replies held, then delivered late), and a garbled reply lands later. The run pauses
// ('not answering', then 'garbled reply'), resynchronises — the late replies are got past, never taken
// for later readings — and continues from its last point: every sample exactly once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../sequences/events.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';
import { startProxiedSim, type ProxiedSim } from '../../helpers/proxied-sim.ts';

const ROLES = ['laser', 'meter', 'voa', 'bert', 'stage'];
let rig: ProxiedSim;
let run: PreparedRun | undefined;

beforeEach(async () => {
  rig = await startProxiedSim({ seed: 2, mode: 'fast', roles: ROLES, prefix: 'proxy-stall' });
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  await rig.close();
});

describe('a run through fault proxies', () => {
  it('a 3 s stall and a garbled reply on the meter mid-step: paused, resynchronised, continued, every sample once', async () => {
    const bench = rig.benchFile();
    const seq = join(rig.dir, 'seq.yaml');
    writeFileSync(seq, 'sequence: stall\nmetadata: { dut: CHIP-P }\nsteps:\n  - set: { laser.output: on }\n  - measure: { channels: [1, 2], samples: 30 }\n');
    run = await prepareRun({ sequenceFile: seq, outDir: join(rig.dir, 'runs'), bench: { sim: false, file: bench }, recovery: { deadline_s: 20, backoff_s: 0.2, maxBackoff_s: 1 } });
    const events: RunEvent[] = [];
    run.engine.on((e) => {
      events.push(e);
      if (e.type === 'point' && e.index === 20 && !rig.proxies.meter?.stalled) rig.proxies.meter?.stall(3);
      if (e.type === 'point' && e.index === 40) rig.sim.faults.answerGarbage('meter', 1);
    });
    const result = await run.engine.run();
    expect(result.status).toBe('passed');
    const lost = events.filter((e) => e.type === 'instrument-lost');
    expect(lost.map((e) => [e.role, e.reason])).toEqual([['meter', 'not answering'], ['meter', 'garbled reply']]);
    expect(events.filter((e) => e.type === 'instrument-restored')).toHaveLength(2);
    const rows = parse(readFileSync(join(run.recorder.folder, 'power.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => `${r.sample}/${r.channel}`)).toEqual(Array.from({ length: 60 }, (_, i) => `${Math.floor(i / 2)}/${(i % 2) + 1}`));
    // Readings are the meter's own: no late reply to a timed-out query was taken for a power.
    for (const r of rows) expect(Number(r.power_dBm)).toBeLessThan(20);
    const record = JSON.parse(readFileSync(join(run.recorder.folder, 'run.json'), 'utf8')) as { steps: { reconnects: number }[] };
    expect(record.steps[1]?.reconnects).toBe(2);
  }, 60_000);
});
