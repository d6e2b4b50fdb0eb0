// A step that fails for want of light while the laser it was left with reads off (an interlock trip, which
// says nothing on any link): the run stops naming the laser, resumable, rather than with the step's own
// error; with the laser on, the step's error stands.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunEngine } from '../../../sequences/engine/engine.ts';
import { MemoryRecords } from '../../../sequences/engine/records-port.ts';
import type { RunEvent } from '../../../sequences/events.ts';
import { buildPlan } from '../../../sequences/plan/build-plan.ts';
import { registry } from '../../../sequences/steps/index.ts';
import type { StepDefinition } from '../../../sequences/step.ts';
import { fakeBench } from './fake-bench.ts';
import { load, withSteps } from './fixtures.ts';

const laserState = { on: false, tripAt: -1 };

const darkStep: StepDefinition<{ n: number }> = {
  kind: 'peak',
  schema: z.object({ n: z.number() }),
  tables: () => [],
  estimate_s: () => 1,
  async run(_ctx, p) {
    if (p.n === laserState.tripAt) laserState.on = false; // the interlock trips: the light goes
    throw new Error('align: no light found within 200 µm');
  },
};

async function runWith(trip: boolean): Promise<{ status: string; events: RunEvent[] }> {
  laserState.on = false;
  laserState.tripAt = trip ? 1 : -1;
  const { bench } = fakeBench();
  const laser = bench.get('laser') as unknown as Record<string, unknown>;
  laser.setOutput = async (on: boolean) => {
    laserState.on = on;
  };
  laser.output = async () => laserState.on;
  const plan = buildPlan(load(withSteps('  - set: { laser.output: on }\n  - peak: { n: 1 }\n')), { registry: [...registry, darkStep] });
  const engine = new RunEngine({
    plan, bench, records: new MemoryRecords(), runId: 'laser-off', now_s: () => 0, wallNow_ms: () => 0, sleep_ms: async () => {},
    recovery: { deadline_s: 10, backoff_s: 0.5, maxBackoff_s: 4 }, abortGrace_s: 0.05,
  });
  const events: RunEvent[] = [];
  engine.on((e) => events.push(e));
  return { status: (await engine.run()).status, events };
}

describe('a step failing while the laser left on reads off', () => {
  it('stops the run, resumable, naming the laser and the step with its error', async () => {
    const { status, events } = await runWith(true);
    expect(status).toBe('aborted');
    expect(events.at(-1)).toMatchObject({
      type: 'aborted', reason: 'instrument-lost',
      message: expect.stringMatching(/^laser output found off, where the sequence left it on \(an interlock trip.*when step peak failed \(align: no light found within 200 µm\)/),
    });
  });

  it('with the laser still on, the step error stands', async () => {
    const { status, events } = await runWith(false);
    expect(status).toBe('error');
    expect(events.at(-1)).toMatchObject({ type: 'aborted', message: expect.stringMatching(/step peak failed: align: no light found/) });
  });
});
