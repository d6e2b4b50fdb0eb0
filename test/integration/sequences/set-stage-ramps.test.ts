// `stage.velocity` / `stage.acceleration` in a set step on the simulated bench, through the real drivers:
// the controller's maxima read at open into the BenchInfo (the --sim stage is the PI GCS one: `SPA? 1 0xA`), a ramp
// beyond them refused before the run, a set one read back from the controller over its own dialect, and a
// resumed run on a fresh (power-on) simulator setting it again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SequenceError } from '../../../sequences/schema/errors.ts';
import { prepareResume, prepareRun, type PreparedRun } from '../../../sequences/runner.ts';

const SIM = { sim: true, seed: 1, realtime: false } as const;

let dir: string;
const runs: PreparedRun[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'benchctl-ramps-'));
});
afterEach(async () => {
  for (const r of runs.splice(0)) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

function sequence(set: string, after = ''): string {
  const file = join(dir, 'ramps.yaml');
  writeFileSync(file, `sequence: ramps\nmetadata: { dut: CHIP-1 }\nsteps:\n  - set: ${set}\n${after}`);
  return file;
}

async function prepared(file: string): Promise<PreparedRun> {
  const run = await prepareRun({ sequenceFile: file, outDir: join(dir, 'runs'), bench: SIM });
  runs.push(run);
  return run;
}

/** What the controller answers for each axis's ramps over its dialect (the --sim stage is the PI GCS one: `VEL? 1`, `ACC? 1`). */
async function rampsOnTheWire(run: PreparedRun): Promise<{ velocity: number[]; acceleration: number[] }> {
  const stage = run.bench.get('stage', 'stage');
  const t = await Promise.all(['X', 'Y', 'Z'].map((axis) => stage.trajectory(axis)));
  return { velocity: t.map((a) => Math.round(a.velocity_um_s)), acceleration: t.map((a) => Math.round(a.acceleration_um_s2)) };
}

describe('stage ramps set by a sequence, on the simulated stage', () => {
  it('the BenchInfo holds the maxima the stage\'s controller reports for each axis', async () => {
    const run = await prepared(sequence('{ laser.output: off }'));
    for (const axis of ['X', 'Y', 'Z']) {
      expect(run.benchInfo.roles['stage']?.axes?.[axis]).toMatchObject({ maxVelocity_um_s: 10_000, maxAcceleration_um_s2: 200_000 });
    }
  });

  it('refuses a velocity above the stage\'s maximum before the run, naming the role, axes, value and maximum', async () => {
    const err = await prepareRun({ sequenceFile: sequence('{ stage.velocity: 12mm/s }'), outDir: join(dir, 'runs'), bench: SIM }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SequenceError);
    expect((err as SequenceError).issues.map((i) => i.message)).toEqual([
      'velocity 12000 µm/s for stage is beyond the maximum of its axis X (10000 µm/s), axis Y (10000 µm/s), axis Z (10000 µm/s) ' +
        '(pi-gcs); it applies to every axis of stage (set)',
    ]);
  });

  it('refuses an acceleration for the hexapod before the run: the C-887 has one system velocity and no ACC', async () => {
    const err = await prepareRun({ sequenceFile: sequence('{ stage-hexapod.acceleration: 100mm/s2 }'), outDir: join(dir, 'runs'), bench: SIM }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SequenceError);
    expect((err as SequenceError).issues.map((i) => i.message)).toEqual(['stage-hexapod (pi-gcs-hexapod) has no acceleration to set; it sets velocity only (set)']);
  });

  it('a set of velocity and acceleration reaches every axis of the controller, read back over its dialect', async () => {
    const run = await prepared(sequence('{ stage.velocity: 8mm/s, stage.acceleration: 150000um/s^2, stage.X: 12000um }'));
    expect(await rampsOnTheWire(run)).toEqual({ velocity: [2000, 2000, 2000], acceleration: [20_000, 20_000, 20_000] }); // power-up
    expect((await run.engine.run()).status).toBe('passed');
    expect(await rampsOnTheWire(run)).toEqual({ velocity: [8000, 8000, 8000], acceleration: [150_000, 150_000, 150_000] });
    expect(await run.bench.get('stage', 'stage').session.query('VEL? 1')).toBe('1=8.000000');
    expect(await run.bench.get('stage', 'stage').position_um('X')).toBeCloseTo(12000, 0);
  });

  it('a resumed run sets the ramps again on a fresh simulator before it continues', async () => {
    const file = sequence('{ stage.velocity: 8mm/s, stage.acceleration: 150mm/s2 }', '  - wait: 5s\n  - wait: 5s\n');
    const first = await prepared(file);
    const secondWait = first.plan.steps[2]?.stepId;
    expect(first.plan.steps.map((st) => st.kind)).toEqual(['set', 'wait', 'wait']);
    first.engine.on((e) => {
      if (e.type === 'step-started' && e.stepId === secondWait) first.engine.abort('simulated crash');
    });
    expect((await first.engine.run()).status).toBe('aborted');
    const folder = first.recorder.folder;
    await first.close();

    const resumed = await prepareResume({ folder });
    runs.push(resumed);
    expect(await rampsOnTheWire(resumed)).toEqual({ velocity: [2000, 2000, 2000], acceleration: [20_000, 20_000, 20_000] });
    expect((await resumed.engine.run()).status).toBe('passed');
    expect(await rampsOnTheWire(resumed)).toEqual({ velocity: [8000, 8000, 8000], acceleration: [150_000, 150_000, 150_000] });
  });
});
