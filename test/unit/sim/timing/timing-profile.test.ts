import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../sim/random.ts';
import { drawRoundTrip_s, LinkTiming } from '../../../../sim/timing/link-timing.ts';
import { loadTimingFile, resolveTimingOption } from '../../../../sim/timing/timing-file.ts';
import { builtInTiming, TimingProfileError, validateTiming } from '../../../../sim/timing/timing-profile.ts';
import { SIM_ROLES } from '../../../../sim/virtual-bench.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function issuesOf(f: () => unknown): { path: string; message: string }[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TimingProfileError);
    return [...(e as TimingProfileError).issues];
  }
  throw new Error('expected a TimingProfileError');
}

describe('built-in timing profiles', () => {
  it('ideal times no link; lan times every role; serial puts the ESP301 on RS-232 at 19200 baud', () => {
    expect(Object.keys(builtInTiming('ideal').instruments)).toEqual([]);
    const lan = builtInTiming('lan');
    expect(Object.keys(lan.instruments).sort()).toEqual([...SIM_ROLES].sort());
    expect(lan.instruments['meter']?.link).toMatchObject({ kind: 'lan', roundTrip: { mean_ms: 1, sigma_ms: 0.3 } });
    expect(lan.instruments['stage-esp']?.link).toMatchObject({ kind: 'serial', baud: 921_600 });
    expect(lan.stage?.followingLag_ms).toBeGreaterThan(0);
    const serial = builtInTiming('serial');
    expect(serial.instruments['stage-esp']?.link).toMatchObject({ kind: 'serial', baud: 19_200, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(serial.instruments['meter']).toEqual(lan.instruments['meter']);
  });
});

describe('validating a profile', () => {
  it('names a missing field as missing, with its path', () => {
    const issues = issuesOf(() => validateTiming({ instruments: { meter: { link: { kind: 'lan', roundTrip: { sigma_ms: 0.1 } } } } }, 'p.yaml'));
    expect(issues).toEqual([{ path: 'instruments.meter.link.roundTrip.mean_ms', message: 'missing; expected number' }]);
  });

  it('names negative figures, unknown fields and unknown roles', () => {
    const neg = issuesOf(() => validateTiming({ meter: { deadTime_ms: -1 } }, 'p'));
    expect(neg[0]?.path).toBe('meter.deadTime_ms');
    expect(neg[0]?.message).toMatch(/>=\s*0/);
    const extra = issuesOf(() => validateTiming({ stage: { followingLag_ms: 1, lag: 2 } }, 'p'));
    expect(extra).toEqual([{ path: 'stage', message: 'unknown field(s) lag' }]);
    const role = issuesOf(() => validateTiming({ instruments: { scope: { link: { kind: 'lan', roundTrip: { mean_ms: 1 } } } } }, 'p', SIM_ROLES));
    expect(role[0]?.path).toBe('instruments.scope');
    expect(role[0]?.message).toContain('expected one of meter, laser');
    const kind = issuesOf(() => validateTiming({ instruments: { meter: { link: { kind: 'gpib' } } } }, 'p'));
    expect(kind[0]?.path).toBe('instruments.meter.link.kind');
  });

  it('the error message starts with the source and lists every field', () => {
    expect(() => validateTiming({ meter: { deadTime_ms: 'x' }, stage: { settle_ms: -2 } }, 'bench-timing.yaml')).toThrow(
      /^bench-timing\.yaml: meter\.deadTime_ms: .*; stage\.settle_ms: /,
    );
  });
});

describe('timing files', () => {
  it('loads YAML and JSON, and refuses a missing file, bad YAML and a non-mapping by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'timing-'));
    dirs.push(dir);
    const yaml = join(dir, 'slow.yaml');
    await writeFile(yaml, 'name: slow\ninstruments:\n  meter:\n    link: { kind: lan, roundTrip: { mean_ms: 5 } }\nmeter: { deadTime_ms: 0.1 }\n');
    const p = loadTimingFile(yaml, SIM_ROLES);
    expect(p.name).toBe('slow');
    expect(p.instruments['meter']?.link).toMatchObject({ kind: 'lan', roundTrip: { mean_ms: 5, sigma_ms: 0, min_ms: 0 }, bytesPerSecond: 10e6 });
    expect(p.meter).toEqual({ deadTime_ms: 0.1, logStartLatency_ms: 0 });
    const json = join(dir, 'p.json');
    await writeFile(json, JSON.stringify({ stage: { followingLag_ms: 2 } }));
    expect(resolveTimingOption(json).stage?.followingLag_ms).toBe(2);
    expect(resolveTimingOption(json).name).toBe(json);
    expect(resolveTimingOption('lan').name).toBe('lan');
    expect(() => loadTimingFile(join(dir, 'none.yaml'))).toThrow(/none\.yaml: cannot read the timing profile/);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'meter: [1, 2');
    expect(() => loadTimingFile(bad)).toThrow(/bad\.yaml: not YAML or JSON/);
    const list = join(dir, 'list.yaml');
    await writeFile(list, '- 1\n- 2\n');
    expect(() => loadTimingFile(list)).toThrow(/expected a mapping/);
  });
});

describe('link timing', () => {
  it('a serial line costs its bytes at the baud rate (10 bits per 8N1 byte) plus processing', () => {
    const spec = validateTiming({ instruments: { 'stage-esp': { link: { kind: 'serial', baud: 19_200 }, processing: { set_ms: 0.5, query_ms: 0.7 } } } }, 't').instruments['stage-esp']!;
    const link = new LinkTiming(spec, new SeededRandom(1), 1);
    expect(link.inbound_s('1PA5.0')).toBeCloseTo((7 * 10) / 19_200 + 0.5e-3, 12);
    expect(link.inbound_s('1TP?')).toBeCloseTo((5 * 10) / 19_200 + 0.7e-3, 12);
    expect(link.outbound_s(Buffer.from('5.00000\r\n'))).toBeCloseTo((9 * 10) / 19_200, 12);
    const parity = validateTiming({ instruments: { x: { link: { kind: 'serial', baud: 9600, parity: 'even', stopBits: 2, dataBits: 7 } } } }, 't').instruments['x']!;
    expect(new LinkTiming(parity, new SeededRandom(1), 1).inbound_s('AB')).toBeCloseTo((3 * 11) / 9600, 12);
  });

  it('a LAN round trip is a distribution: mean and spread as given, clipped, with a tail; seeded', () => {
    const rt = builtInTiming('lan').instruments['meter']!.link.roundTrip;
    const draw = (seed: number): number[] => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 20_000 }, () => drawRoundTrip_s(rt, rng) * 1000);
    };
    const xs = draw(4);
    expect(draw(4)).toEqual(xs);
    expect(draw(5)).not.toEqual(xs);
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted[10_000]!;
    expect(median).toBeGreaterThan(0.95);
    expect(median).toBeLessThan(1.05);
    expect(sorted[0]!).toBeGreaterThanOrEqual(0.3);
    // The body's spread: the 16th–84th percentiles span about ±0.3 ms.
    expect(sorted[16_800]! - sorted[3_200]!).toBeGreaterThan(0.5);
    expect(sorted[16_800]! - sorted[3_200]!).toBeLessThan(0.75);
    // The tail: about 2 % of exchanges take an extra ~4 ms, far beyond the body.
    const slow = xs.filter((x) => x > 3).length / xs.length;
    expect(slow).toBeGreaterThan(0.008);
    expect(slow).toBeLessThan(0.03);
    expect(sorted[19_999]!).toBeGreaterThan(8);
  });
});
