import { describe, expect, it } from 'vitest';
import { alignStep, estimateAlign_s } from '../../../../sequences/steps/align/align-step.ts';
import { alignSchema, defaultPitch_um } from '../../../../sequences/steps/align/schema.ts';
import type { BenchInfo } from '../../../../sequences/step.ts';

const bench: BenchInfo = {
  name: 'test bench',
  simulated: true,
  roles: {
    meter: { kind: 'meter', driver: 'keysight-n774x', ranges: {}, channels: [1, 2, 3, 4] },
    stage: { kind: 'stage', driver: 'scpi-stage', ranges: {}, axes: { X: { min_um: 0, max_um: 25_000 }, Y: { min_um: 0, max_um: 25_000 }, Z: { min_um: 5008, max_um: 10_000 } } },
    laser: { kind: 'laser', driver: 'keysight-n777x', ranges: {} },
  },
};

function issues(body: unknown): string[] {
  const r = alignSchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('align step body', () => {
  it('defaults to the fast path: fly spiral, fit peaking, 35 µm radius, 10 dB over the floor, the controller\'s ramps', () => {
    const p = alignSchema.parse({});
    expect(p).toMatchObject({ axes: ['X', 'Y'], fly: true, fine: 'fit', first_light: 'spiral', search_radius: 35, threshold: { above_floor: 10 }, channel: 1, accuracy: 0.15 });
    expect(p.fly_acceleration).toBeUndefined();
    expect(defaultPitch_um(p)).toBe(16);
    expect(defaultPitch_um({ ...p, first_light: 'raster' })).toBe(18);
    expect(defaultPitch_um({ ...p, fly: false })).toBe(10);
    expect(defaultPitch_um({ ...p, pitch: 12 })).toBe(12);
  });

  it.each([
    ['200mm/s2', 200_000], ['200000um/s^2', 200_000], ['0.2m/s²', 200_000], ['150 µm/s²', 150], ['0.02g', 196_133],
  ])('reads fly_acceleration %s as %f µm/s²', (text, um_s2) => {
    expect(alignSchema.parse({ fly_acceleration: text }).fly_acceleration).toBeCloseTo(um_s2, 6);
  });

  it('parses quantities with units', () => {
    const p = alignSchema.parse({
      search_radius: '0.05mm', threshold: '-60dBm', fly_velocity: '5mm/s', sample_time: '500us', max_time: '2min',
      center: { X: '12.5mm', Y: '12500um' }, track: { every: '1min', drop: '0.5dB', for: '8h' }, fly: 'off', fine: 'simplex',
    });
    expect(p).toMatchObject({ search_radius: 50, threshold: -60, fly_velocity: 5000, sample_time: 5e-4, max_time: 120, fly: false, fine: 'simplex' });
    expect(p.center).toEqual({ X: 12_500, Y: 12_500 });
    expect(p.track).toEqual({ every: 60, drop: 0.5, for: 28_800 });
  });

  it.each([
    [{ search_radius: 35 }, /search_radius: expected a length with a unit/],
    [{ search_radius: '-1um' }, /search_radius: expected a length > 0/],
    [{ threshold: '10dB' }, /threshold: expected a power \(e.g. -60dBm\) or \{ above_floor: 10dB \}/],
    [{ threshold: { above_floor: '-3dB' } }, /threshold/],
    [{ fine: 'newton' }, /fine: expected fit, gradient or simplex/],
    [{ first_light: 'zigzag' }, /first_light: expected raster or spiral/],
    [{ axes: ['X'] }, /axes: expected two stage axes/],
    [{ axes: ['X', 'X'] }, /axes: expected two different stage axes/],
    [{ center: { Z: '5mm' } }, /center: expected positions for the step's axes only/],
    [{ fly: 'maybe' }, /fly: expected on or off/],
    [{ channel: 0 }, /channel: expected an integer \(a count\) >= 1/],
    [{ track: { every: '10s' } }, /track.drop/],
    [{ couplers: 3 }, /couplers: expected 1 or 2 couplers/],
    [{ sample_time: '1s' }, /sample_time: expected a duration/],
    [{ colour: 'blue' }, /Unrecognized key: "colour"/],
    [{ fly_acceleration: '200mm/s' }, /fly_acceleration: expected a stage acceleration with a unit .*got "200mm\/s" \('mm\/s' is the unit of a stage velocity\)/],
    [{ fly_acceleration: '200mm/s3' }, /fly_acceleration: expected a stage acceleration with a unit .*unknown unit 'mm\/s3'/],
    [{ fly_acceleration: '-5mm/s2' }, /fly_acceleration: expected a stage acceleration > 0, got "-5mm\/s2"/],
    [{ fly_acceleration: 200_000 }, /fly_acceleration: expected a stage acceleration with a unit \(um\/s2, mm\/s2, m\/s2 or g\), e.g. 200mm\/s2, got 200000/],
  ])('refuses %j, naming the field', (body, message) => {
    expect(issues(body).join('\n')).toMatch(message);
  });
});

describe('align step against the bench capabilities', () => {
  const validate = (body: unknown) => alignStep.validate?.(alignSchema.parse(body), bench) ?? [];

  it('accepts the defaults on a bench with a meter and an X/Y stage', () => {
    expect(validate({})).toEqual([]);
  });

  it('names a missing meter channel, a missing role and a missing axis', () => {
    expect(validate({ channel: 6 })).toEqual([{ field: 'channel', message: "meter 'meter' has no channel 6 (it has 1, 2, 3, 4)" }]);
    expect(validate({ meter: 'pm2' })[0]).toMatchObject({ field: 'meter', message: expect.stringMatching(/has no role 'pm2'/) });
    expect(validate({ stage: 'laser' })[0]).toMatchObject({ field: 'stage', message: "role 'laser' is a laser, expected a stage" });
    expect(validate({ axes: ['X', 'W'] })).toEqual([{ field: 'axes.1', message: "stage 'stage' has no axis 'W' (its axes are X, Y, Z)" }]);
  });

  it('refuses a search area beyond the soft limits before anything moves', () => {
    const found = validate({ axes: ['X', 'Z'], center: { X: '12500um', Z: '5020um' }, search_radius: '35um' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ field: 'center.Z', message: expect.stringMatching(/4985 µm is beyond its soft limits \[5008, 10000\]/) });
  });

  it('estimates about a second for the defaults, less with fast ramps, and much more for step-and-read simplex', () => {
    const fast = estimateAlign_s(alignSchema.parse({}));
    expect(fast).toBeGreaterThan(0.5);
    expect(fast).toBeLessThan(2.5);
    const faster = estimateAlign_s(alignSchema.parse({ fly_acceleration: '200mm/s2' }));
    expect(faster).toBeGreaterThan(0.15);
    expect(faster).toBeLessThan(fast / 2);
    expect(estimateAlign_s(alignSchema.parse({ fly: 'off', fine: 'simplex' }))).toBeGreaterThan(2 * fast);
    expect(estimateAlign_s(alignSchema.parse({ track: { every: '60s', drop: '0.5dB', for: '1h' } }))).toBeGreaterThan(3600);
  });
});
