// `stage.velocity` and `stage.acceleration` in a set step: their units, the errors for bad values, the
// refusal at validation of a ramp beyond what the stage's controller reported, and their place on resume.
import { describe, expect, it } from 'vitest';
import { lastActions } from '../../../sequences/resume-context.ts';
import { settingsToRestore } from '../../../sequences/resume-settings.ts';
import type { SetParams } from '../../../sequences/steps/set.ts';
import type { BenchInfo } from '../../../sequences/step.ts';
import { issuesOf, plan, SIM_LIKE_BENCH, withSteps } from './fixtures.ts';

/** The simulated bench with the ramp maxima its stage driver reads at open (X and Y as the simulator's; Z slower). */
const WITH_MAXIMA: BenchInfo = {
  ...SIM_LIKE_BENCH,
  roles: {
    ...SIM_LIKE_BENCH.roles,
    stage: {
      kind: 'stage', driver: 'scpi-stage', ranges: {},
      axes: {
        X: { min_um: 0, max_um: 25000, maxVelocity_um_s: 10_000, maxAcceleration_um_s2: 200_000 },
        Y: { min_um: 0, max_um: 25000, maxVelocity_um_s: 10_000, maxAcceleration_um_s2: 200_000 },
        Z: { min_um: 5008, max_um: 10000, maxVelocity_um_s: 5_000, maxAcceleration_um_s2: 200_000 },
      },
    },
  },
};

function actionsOf(body: string, bench?: BenchInfo) {
  const p = plan(withSteps(`  - set: ${body}\n`), bench ? { bench } : {});
  return (p.steps[0]?.params as SetParams).actions;
}

function issues(body: string, bench?: BenchInfo) {
  return issuesOf(() => plan(withSteps(`  - set: ${body}\n`), bench ? { bench } : {}));
}

describe('stage ramps in a set step: units', () => {
  it('takes a velocity in µm/s or mm/s and an acceleration in µm/s² or mm/s² (s2, s^2 or s²), in µm-based units', () => {
    expect(actionsOf('{ stage.velocity: 10mm/s, stage.acceleration: 200000um/s^2 }')).toEqual([
      { type: 'setting', key: 'stage.velocity', role: 'stage', setting: 'velocity', value: 10_000 },
      { type: 'setting', key: 'stage.acceleration', role: 'stage', setting: 'acceleration', value: 200_000 },
    ]);
    expect(actionsOf('{ stage.velocity: 2500um/s, stage.acceleration: 200mm/s² }').map((a) => a.type === 'setting' && a.value)).toEqual([2500, 200_000]);
    expect(actionsOf('{ stage.acceleration: 150mm/s2 }').map((a) => a.type === 'setting' && a.value)).toEqual([150_000]);
  });

  it('keeps them apart from the axis positions of the same stage, in the order written', () => {
    expect(actionsOf('{ stage.velocity: 5mm/s, stage.X: 12500um, stage.Y: 100um }')).toEqual([
      { type: 'setting', key: 'stage.velocity', role: 'stage', setting: 'velocity', value: 5000 },
      { type: 'move', key: 'stage.X', role: 'stage', targets_um: { X: 12500, Y: 100 } },
    ]);
  });
});

describe('stage ramps in a set step: bad values', () => {
  it('names the setting and what was expected: a unit, the right kind of unit, a value above zero', () => {
    const [noUnit] = issues('{ stage.velocity: 10 }');
    expect(noUnit?.field).toBe('steps[0].set.stage.velocity');
    expect(noUnit?.message).toMatch(/expected a stage velocity with a unit \(.*mm\/s.*\), e\.g\. 1000um\/s, got 10 \(a number without a unit\)/);
    const [length] = issues('{ stage.velocity: 10mm }');
    expect(length?.message).toMatch(/expected a stage velocity .*got "10mm" \('mm' is the unit of a length\)/);
    const [wrongKind] = issues('{ stage.acceleration: 10mm/s }');
    expect(wrongKind?.field).toBe('steps[0].set.stage.acceleration');
    expect(wrongKind?.message).toMatch(/expected a stage acceleration with a unit \(um\/s2, mm\/s2, m\/s2 or g\).*'mm\/s' is the unit of a stage velocity/);
    const [zero] = issues('{ stage.acceleration: 0mm/s2 }');
    expect(zero?.message).toBe('expected a stage acceleration > 0, got "0mm/s2"');
    const [negative] = issues('{ stage.velocity: -1mm/s }');
    expect(negative?.message).toBe('expected a stage velocity > 0, got "-1mm/s"');
  });

  it('says a stage key is an axis position or one of its settings when it is neither', () => {
    const [speed] = issues('{ stage.speed: 10mm/s }');
    expect(speed?.field).toBe('steps[0].set.stage.speed');
    expect(speed?.message).toMatch(/^expected a stage position \(stage\.<axis>\) or one of velocity, acceleration: expected a length/);
  });
});

describe('stage ramps in a set step: validation against the controller\'s maxima', () => {
  it('refuses a velocity beyond an axis\'s maximum, naming the role, the axis, the value and the maximum', () => {
    const [over] = issues('{ stage.velocity: 8mm/s }', WITH_MAXIMA);
    expect(over?.field).toBe('steps[0].set.stage.velocity');
    expect(over?.message).toBe('velocity 8000 µm/s for stage is beyond the maximum of its axis Z (5000 µm/s) (scpi-stage); ' +
      'it applies to every axis of stage (set)');
    const [all] = issues('{ stage.velocity: 20mm/s }', WITH_MAXIMA);
    expect(all?.message).toContain('axis X (10000 µm/s), axis Y (10000 µm/s), axis Z (5000 µm/s)');
  });

  it('refuses an acceleration beyond the maximum, and accepts the maxima themselves', () => {
    const [over] = issues('{ stage.acceleration: 0.25m/s2 }', WITH_MAXIMA);
    expect(over?.message).toMatch(/^acceleration 250000 µm\/s² for stage is beyond the maximum of its axis X \(200000 µm\/s²\), axis Y/);
    expect(actionsOf('{ stage.velocity: 5mm/s, stage.acceleration: 200000um/s^2 }', WITH_MAXIMA)).toHaveLength(2);
  });

  it('leaves the check to the controller when the bench gives no maxima (a bench file alone)', () => {
    expect(actionsOf('{ stage.velocity: 50mm/s }', SIM_LIKE_BENCH)).toHaveLength(1);
  });

  it('refuses an acceleration for a hexapod, which has one system velocity and no acceleration to set', () => {
    const bench: BenchInfo = {
      ...SIM_LIKE_BENCH,
      roles: { ...SIM_LIKE_BENCH.roles, 'stage-hexapod': { kind: 'stage', driver: 'pi-gcs-hexapod', ranges: {}, ramps: ['velocity'], axes: { X: { min_um: -1000, max_um: 1000 } } } },
    };
    const [refused] = issues('{ stage-hexapod.acceleration: 100mm/s2 }', bench);
    expect(refused?.message).toMatch(/^stage-hexapod \(pi-gcs-hexapod\) has no acceleration to set; it sets velocity only/);
    expect(actionsOf('{ stage-hexapod.velocity: 5mm/s }', bench)).toHaveLength(1);
  });

  it('refuses a ramp for a stage role the bench does not have', () => {
    const [missing] = issues('{ stage2.velocity: 1mm/s }', WITH_MAXIMA);
    expect(missing?.message).toMatch(/bench 'test bench' has no role 'stage2'/);
  });
});

describe('stage ramps on resume', () => {
  it('are settings a resumed run applies again, before it sends the stage back to its position', () => {
    const p = plan(withSteps([
      '  - set: { stage.X: 100um, stage.velocity: 2mm/s }',
      '  - set: { stage.velocity: 10mm/s, stage.acceleration: 200mm/s2, laser.output: on }',
      '  - wait: 1s',
      '',
    ].join('\n')));
    expect(settingsToRestore(p.steps).map((a) => [a.key, a.value])).toEqual([
      ['stage.velocity', 10_000], ['stage.acceleration', 200_000], ['laser.output', true],
    ]);
    expect(lastActions(p.steps).map((a) => a.key)).toEqual(['stage.velocity', 'stage.acceleration', 'laser.output', 'stage.X']);
  });
});

describe('stage ramps in the plan\'s ETA', () => {
  it('a move between known targets at a speed the sequence set is estimated by its trapezoid, any other at 2 s', () => {
    const p = plan(withSteps([
      '  - set: { stage.X: 0um, stage.Y: 0um }',
      '  - set: { stage.X: 10mm }',
      '  - set: { stage.velocity: 10mm/s, stage.acceleration: 200mm/s2 }',
      '  - set: { stage.X: 0um, stage.Y: 250um }',
      '  - set: { stage.Z: 6000um }',
      '',
    ].join('\n')));
    expect(p.steps.map((s) => s.estimate_s)).toEqual([
      2, // where the stage starts is unknown
      2, // its speed is the controller's
      0.2,
      // 10 mm at 10 mm/s with 200 mm/s² ramps: 1 s + 0.05 s, Y's 250 µm is shorter; plus 0.05 s of exchanges.
      expect.closeTo(1.1, 9),
      2, // Z was never sent anywhere before
    ]);
  });
});
