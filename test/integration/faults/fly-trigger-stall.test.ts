// A fly scan whose trigger was being re-armed when the stage stalled, through a fault proxy over real
// sockets: the controller's `CTO` for the next axis is held by a 3 s stall (its confirmation times out),
// then carried out late. The driver may no longer assume which axis the output follows, so the recovered
// alignment re-arms in full before its next line, gets its pulses, and the run passes — not "no pulse
// from the stage's trigger output".
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResource } from '../../../drivers/open-resource.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';
import type { FaultProxy } from '../../helpers/fault-proxy.ts';
import { startProxiedSim, type ProxiedSim } from '../../helpers/proxied-sim.ts';

// The bench file's stage is the PI GCS controller with its trigger output cabled to the meter (served as 'stage-pi').
const ROLES = ['laser', 'meter', 'voa', 'bert', 'stage-pi'];
let rig: ProxiedSim;
let run: PreparedRun | undefined;

beforeEach(async () => {
  rig = await startProxiedSim({ seed: 1, mode: 'fast', roles: ROLES, prefix: 'fly-trigger-stall' });
});
afterEach(async () => {
  await run?.close();
  run = undefined;
  await rig.close();
});

/** Light on, the stage near the chip and one align step, prepared on the proxied bench with a short recovery; the stage's proxy. */
async function prepareAlign(name: string): Promise<{ prepared: PreparedRun; stage: FaultProxy }> {
  const seq = join(rig.dir, 'seq.yaml');
  writeFileSync(seq, `sequence: ${name}\nmetadata: { dut: CHIP-F }\nsteps:\n` +
    '  - set: { laser.wavelength: 1550nm, laser.output: on, voa.output: on, meter.wavelength: 1550nm }\n' +
    '  - set: { stage.Z: 5020um, stage.X: 12500um, stage.Y: 12500um }\n' +
    '  - align: { search_radius: 35um }\n    id: align\n');
  const stage = rig.proxies['stage-pi'];
  if (!stage) throw new Error('no stage proxy');
  const prepared = await prepareRun({ sequenceFile: seq, outDir: join(rig.dir, 'runs'), bench: { sim: false, file: rig.benchFile() },
    recovery: { deadline_s: 20, backoff_s: 0.2, maxBackoff_s: 1 } });
  return { prepared, stage };
}

describe('a stall while the fly trigger is re-armed', () => {
  it('the late CTO does not leave a stale arming: the alignment re-arms after the recovery and passes', async () => {
    const { prepared, stage } = await prepareAlign('fly-stall');
    run = prepared;
    let firstAxis: string | null = null;
    let stalledAt = -1;
    stage.onLine = (line) => {
      const m = /^CTO 1 2 (\d)/.exec(line);
      if (!m || stalledAt >= 0) return;
      if (firstAxis === null) firstAxis = m[1] ?? null;
      else if (m[1] !== firstAxis) {
        stalledAt = stage.asked.length - 1;
        stage.stall(3);
      }
    };
    const events: RunEvent[] = [];
    run.engine.on((e) => events.push(e));
    const result = await run.engine.run();
    expect(stalledAt).toBeGreaterThanOrEqual(0);
    expect(events.find((e) => e.type === 'instrument-lost')).toMatchObject({ role: 'stage', reason: 'not answering' });
    const done = events.find((e) => e.type === 'step-finished' && e.stepId === 'align');
    expect(done).toMatchObject({ status: 'done' });
    expect(result.status).toBe('passed');
    // After the stall the output was configured again in full (axis and enable), not assumed.
    const after = stage.asked.slice(stalledAt + 1);
    const cto = after.findIndex((l) => /^CTO 1 2 \d 1 3 6$/.test(l));
    expect(cto).toBeGreaterThanOrEqual(0);
    expect(after.slice(cto + 1).some((l) => l === 'TRO 1 1')).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/no pulse from the stage's trigger output/);
  }, 90_000);

  it('a trigger output switched off behind the driver: the line gets no pulse, is re-armed in full and flown again, and the step says so', async () => {
    const { prepared, stage } = await prepareAlign('fly-rearm');
    run = prepared;
    // A second client on the controller itself (not through the proxy), as a power glitch or another
    // program would: the output the driver armed is disabled while the driver's commands are held.
    const direct = await openResource(rig.served.resource('stage-pi'), { timeout_ms: 2000 });
    let disabled: Promise<void> | null = null;
    const events: RunEvent[] = [];
    run.engine.on((e) => {
      events.push(e);
      if (!disabled && e.type === 'log' && e.message.startsWith('align: first light')) {
        stage.stall(0.5);
        disabled = direct.write('TRO 1 0');
      }
    });
    try {
      const result = await run.engine.run();
      await disabled;
      expect(disabled).not.toBeNull();
      expect(result.status).toBe('passed');
      const warning = events.find((e) => e.type === 'warning' && /re-armed the trigger and flew the line again/.test(e.message));
      expect(warning).toBeDefined();
      const done = events.find((e) => e.type === 'step-finished' && e.stepId === 'align');
      expect(done).toMatchObject({ status: 'done' });
      const record = JSON.parse(readFileSync(join(run.recorder.folder, 'run.json'), 'utf8')) as { steps: { id?: string; stepId?: string; notes?: string[] }[] };
      expect(JSON.stringify(record.steps)).toMatch(/re-armed the trigger and flew the line again/);
      // The full configuration went out again: enable included.
      expect(stage.asked.filter((l) => l === 'TRO 1 1').length).toBeGreaterThanOrEqual(2);
    } finally {
      await direct.close();
    }
  }, 90_000);
});
