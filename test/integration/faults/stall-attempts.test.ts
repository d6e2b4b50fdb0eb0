// Reconnect attempts after a stall are bounded one by one, through a fault proxy over real sockets on the
// realtime simulator: a 4 s stall of the stage while it makes a long move, then, during the first reconnect
// attempt, another 6 s one. Each attempt gives up after its own bound and the next one tries again, the
// re-read waits out the move by polling (bounded by the move's expected time), and the run passes within a
// 30 s deadline. A stall longer than the deadline aborts the run safely, naming the stage and the deadline.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResource } from '../../../drivers/open-resource.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { prepareRun, type PreparedRun } from '../../../sequences/runner.ts';
import { startProxiedSim, type ProxiedSim } from '../../helpers/proxied-sim.ts';

// The bench file's stage is the PI GCS controller (served as 'stage-pi').
const ROLES = ['laser', 'meter', 'voa', 'bert', 'stage-pi'];
let rig: ProxiedSim;
let run: PreparedRun | undefined;
const timers: NodeJS.Timeout[] = [];

beforeEach(async () => {
  rig = await startProxiedSim({ seed: 3, mode: 'realtime', roles: ROLES, prefix: 'stall-attempts' });
});
afterEach(async () => {
  for (const t of timers) clearTimeout(t);
  timers.length = 0;
  await run?.close();
  run = undefined;
  await rig.close();
});

/** A long move of the stage (24 mm at 2 mm/s: about 12 s), then a few readings. */
function writeSequence(): string {
  const seq = join(rig.dir, 'seq.yaml');
  writeFileSync(seq, 'sequence: long-move\nmetadata: { dut: CHIP-S }\nsteps:\n  - set: { laser.output: on }\n' +
    '  - set: { stage.X: 24000um }\n    id: far\n  - measure: { channels: [1], samples: 5 }\n    id: read\n');
  return seq;
}

describe('reconnect attempts after a stall', () => {
  it('a 4 s stall mid-move, then a 6 s one during the first attempt: retried, the move waited out, the run passes (30 s deadline)', async () => {
    run = await prepareRun({ sequenceFile: writeSequence(), outDir: join(rig.dir, 'runs'), bench: { sim: false, file: rig.benchFile() },
      recovery: { deadline_s: 30, backoff_s: 0.2, maxBackoff_s: 1 } });
    const events: RunEvent[] = [];
    const stage = rig.proxies['stage-pi'];
    let second = false;
    run.engine.on((e) => {
      events.push(e);
      if (e.type === 'step-started' && e.stepId === 'far') timers.push(setTimeout(() => stage?.stall(4), 500));
      if (e.type === 'instrument-lost' && e.role === 'stage' && !second) {
        second = true;
        // The first attempt is under way (the 4 s stall still holds it): a second stall before it can answer.
        timers.push(setTimeout(() => stage?.stall(6), 1000));
      }
    });
    const result = await run.engine.run();
    expect(second).toBe(true);
    const failedAttempts = events.filter((e) => e.type === 'warning' && /^reconnect attempt \d+ to stage/.test(e.message));
    expect(failedAttempts.length).toBeGreaterThanOrEqual(1);
    expect(events.find((e) => e.type === 'instrument-restored')).toMatchObject({ role: 'stage', reason: 'not answering' });
    const reread = events.find((e) => e.type === 'log' && /after the stall, re-read before going on: stage stopped at X=/.test(e.message));
    // The stall ended before the move did: the re-read waited it out by polling, within the move's own bound.
    expect(reread?.type === 'log' && reread.message).toMatch(/a move under way, about [\d.]+ s left, waited out within [\d.]+ s/);
    expect(result.status).toBe('passed');
    const record = JSON.parse(readFileSync(join(run.recorder.folder, 'run.json'), 'utf8')) as { status: string };
    expect(record.status).toBe('passed');
  }, 90_000);

  it('a stall longer than the deadline aborts safely, naming the stage and the deadline', async () => {
    run = await prepareRun({ sequenceFile: writeSequence(), outDir: join(rig.dir, 'runs'), bench: { sim: false, file: rig.benchFile() },
      recovery: { deadline_s: 6, backoff_s: 0.2, maxBackoff_s: 1 } });
    const events: RunEvent[] = [];
    const stage = rig.proxies['stage-pi'];
    const at = new Map<RunEvent, number>();
    run.engine.on((e) => {
      events.push(e);
      at.set(e, Date.now());
      if (e.type === 'step-started' && e.stepId === 'far') timers.push(setTimeout(() => stage?.stall(20), 500));
    });
    const result = await run.engine.run();
    expect(result.status).toBe('aborted');
    const aborted = events.find((e) => e.type === 'aborted');
    expect(aborted).toMatchObject({ reason: 'instrument-lost', safe: { ok: true } });
    expect(aborted?.type === 'aborted' && aborted.message).toMatch(/stage \(TCPIP0::127\.0\.0\.1::\d+::SOCKET\) did not come back within 6 s/);
    // The attempts stopped at the deadline, not at the end of the 20 s stall (the safe state, which insists
    // until the stage confirms it stopped, is what waits that out).
    const lost = events.find((e) => e.type === 'instrument-lost');
    const attempts = events.filter((e) => e.type === 'warning' && /^reconnect attempt \d+ to stage/.test(e.message));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const last = attempts.at(-1);
    expect((at.get(last as RunEvent) ?? Infinity) - (at.get(lost as RunEvent) ?? 0)).toBeLessThan(7_500);
    // The laser was made safe: its output is off, read on the simulator's own port (not through a proxy).
    const laser = await openResource(rig.served.resource('laser'), { timeout_ms: 2000 });
    try {
      expect(await laser.queryNumber(':SOUR0:POW:STAT?')).toBe(0);
    } finally {
      await laser.close();
    }
  }, 90_000);
});
