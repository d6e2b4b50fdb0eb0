// After a fault, the outputs the finished steps switched are read back before the step goes on, and a
// mismatch is put right — never re-sent on trust. Over real sockets through fault proxies: while the meter's
// link stalls mid-measure, the VOA's shutter is closed behind the run's back (a second connection, as a
// box that took a command and hung, or a hand on the front panel, would). After the resync the run reads
// the VOA, finds it closed, opens it, reads it back, says so, and every later reading has light again.
// A laser found off where the sequence left it on is not switched on unasked: the run ends safely saying so.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResource } from '../../../drivers/open-resource.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';
import { startProxiedSim, type ProxiedSim } from '../../helpers/proxied-sim.ts';

const ROLES = ['laser', 'meter', 'voa', 'bert', 'stage'];
let rig: ProxiedSim;
let run: PreparedRun | undefined;

beforeEach(async () => {
  rig = await startProxiedSim({ seed: 3, mode: 'fast', roles: ROLES, prefix: 'output-reread' });
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  await rig.close();
});

/** Sends one command to the simulated instrument directly, not through the run's proxy (its own connection). */
async function behindTheRunsBack(role: string, command: string): Promise<void> {
  const s = await openResource(rig.served.resource(role), { timeout_ms: 2000 });
  try {
    await s.write(command);
    await s.query('*OPC?');
  } finally {
    await s.close();
  }
}

async function prepare(name: string, extraSteps = ''): Promise<PreparedRun> {
  const bench = rig.benchFile();
  const seq = join(rig.dir, `${name}.yaml`);
  writeFileSync(seq, `sequence: ${name}\nmetadata: { dut: CHIP-O }\nsteps:\n` +
    '  - set: { laser.output: on, voa.attenuation: 0dB, voa.output: on }\n' +
    '  - measure: { channels: [1], samples: 30 }\n' + extraSteps);
  return prepareRun({ sequenceFile: seq, outDir: join(rig.dir, 'runs'), bench: { sim: false, file: bench }, recovery: { deadline_s: 20, backoff_s: 0.2, maxBackoff_s: 1 } });
}

describe('outputs re-read after a fault', () => {
  it('a VOA shutter closed during a meter stall is found closed, opened again and read back before the step goes on', async () => {
    run = await prepare('voa-reread');
    const events: RunEvent[] = [];
    let closing: Promise<void> | undefined;
    run.engine.on((e) => {
      events.push(e);
      if (e.type === 'point' && e.index === 10 && !rig.proxies.meter?.stalled) {
        rig.proxies.meter?.stall(4);
        closing = behindTheRunsBack('voa', ':OUTP1:STAT 0');
      }
    });
    const result = await run.engine.run();
    await closing;
    expect(result.status).toBe('passed');
    expect(events.filter((e) => e.type === 'instrument-lost').map((e) => e.role)).toEqual(['meter']);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings.some((m) => /voa output found off, where the sequence left it on: switched on again \(read back on\)/.test(m))).toBe(true);
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs.some((m) => /laser output on, as left/.test(m))).toBe(true);
    const rows = parse(readFileSync(join(run.recorder.folder, 'power.csv'), 'utf8'), { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.sample)).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    // The instrument itself says the shutter is open again (asked on a connection of its own).
    const s = await openResource(rig.served.resource('voa'), { timeout_ms: 2000 });
    try {
      expect(await s.queryNumber(':OUTP1:STAT?')).toBe(1);
    } finally {
      await s.close();
    }
    // The shutter was opened once by the set step and once by the recovery, after a read showed it closed.
    const asked = rig.proxies.voa?.asked ?? [];
    expect(asked.filter((c) => /OUTP1:STAT 1\b/.test(c))).toHaveLength(2);
    const reopenAt = asked.findLastIndex((c) => /OUTP1:STAT 1\b/.test(c));
    expect(asked.slice(0, reopenAt).findLastIndex((c) => /OUTP1:STAT\?/.test(c))).toBeGreaterThan(asked.findIndex((c) => /OUTP1:STAT 1\b/.test(c)));
  }, 60_000);

  it('a laser found off where the sequence left it on is not switched on unasked: the run ends safely, saying why', async () => {
    run = await prepare('laser-reread');
    const events: RunEvent[] = [];
    let switching: Promise<void> | undefined;
    run.engine.on((e) => {
      events.push(e);
      if (e.type === 'point' && e.index === 10 && !rig.proxies.meter?.stalled) {
        rig.proxies.meter?.stall(4);
        switching = behindTheRunsBack('laser', ':SOUR0:POW:STAT 0');
      }
    });
    const result = await run.engine.run();
    await switching;
    expect(events.filter((e) => e.type === 'instrument-lost').map((e) => e.role)).toEqual(['meter']);
    expect(result.status).toBe('aborted');
    expect(result.message).toMatch(/laser output found off after the fault, where the sequence left it on .*not switched on again unasked/);
    const aborted = events.find((e) => e.type === 'aborted');
    expect(aborted?.type === 'aborted' && aborted.safe.ok).toBe(true);
    // The run switched the laser on once (its set step) and never again; the safe state switched it off.
    const asked = rig.proxies.laser?.asked ?? [];
    expect(asked.filter((c) => /POW:STAT 1\b/.test(c))).toHaveLength(1);
    expect(asked.some((c) => /POW:STAT 0\b/.test(c))).toBe(true);
  }, 60_000);

  it('a stall while the last set step switches the laser off is that step\'s to finish: it runs again, the run passes', async () => {
    run = await prepare('dark-stall', '  - set: { laser.output: off }\n    id: dark\n');
    const events: RunEvent[] = [];
    run.engine.on((e) => {
      events.push(e);
      if (e.type === 'step-started' && e.stepId === 'dark') rig.proxies.laser?.stall(4);
    });
    const result = await run.engine.run();
    expect(events.filter((e) => e.type === 'instrument-lost').map((e) => [e.role, e.reason])).toEqual([['laser', 'not answering']]);
    expect(result.status).toBe('passed');
    const s = await openResource(rig.served.resource('laser'), { timeout_ms: 2000 });
    try {
      expect(await s.queryNumber(':SOUR0:POW:STAT?')).toBe(0);
    } finally {
      await s.close();
    }
  }, 60_000);
});
