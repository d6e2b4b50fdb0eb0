import { afterEach, describe, expect, it } from 'vitest';
import { TimingProfileError } from '../../../../sim/timing/timing-profile.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';
import { LineClient } from '../link/line-client.ts';

const benches: VirtualBench[] = [];
afterEach(async () => {
  await Promise.all(benches.splice(0).map((b) => b.close()));
});

function bench(opts: ConstructorParameters<typeof VirtualBench>[0]): VirtualBench {
  const b = new VirtualBench(opts);
  benches.push(b);
  return b;
}

/** Bench seconds each of `n` `*IDN?`-style queries costs on one in-process link. */
async function exchangeTimes(b: VirtualBench, role: string, query: string, n: number, term = '\n'): Promise<number[]> {
  const c = new LineClient(b.connect(role), term === '\r' ? '\r\n' : '\n');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = b.clock.now_s();
    c.write(query + term);
    await c.next();
    out.push(b.clock.now_s() - t0);
  }
  return out;
}

describe('VirtualBench timing profiles', () => {
  it('ideal (the default) keeps one constant 0.2 ms per SCPI exchange', async () => {
    const b = bench({ seed: 3 });
    expect(b.timing.name).toBe('ideal');
    for (const dt of await exchangeTimes(b, 'meter', '*IDN?', 5)) expect(dt).toBeCloseTo(0.2e-3, 12);
  });

  it('lan: each exchange costs about 1 ms and varies; the same seed gives the same times', async () => {
    const times = await exchangeTimes(bench({ seed: 3, timing: 'lan' }), 'meter', '*IDN?', 200);
    const again = await exchangeTimes(bench({ seed: 3, timing: 'lan' }), 'meter', '*IDN?', 200);
    expect(again).toEqual(times);
    const other = await exchangeTimes(bench({ seed: 4, timing: 'lan' }), 'meter', '*IDN?', 200);
    expect(other).not.toEqual(times);
    const mean = times.reduce((s, v) => s + v, 0) / times.length;
    expect(mean).toBeGreaterThan(0.9e-3);
    expect(mean).toBeLessThan(1.4e-3);
    expect(Math.min(...times)).toBeGreaterThan(0.3e-3);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(0.8e-3);
  });

  it('serial: an ESP301 query at 19200 baud costs its bytes both ways plus the parser', async () => {
    const b = bench({ seed: 3, timing: 'serial' });
    const [dt] = await exchangeTimes(b, 'stage-esp', '1TP?', 1, '\r');
    // '1TP?\r' in, '0.00000\r\n'-sized reply out, 10 bits per byte, 0.5 ms processing.
    expect(dt).toBeGreaterThan(((5 + 9) * 10) / 19_200 + 0.5e-3 - 1e-6);
    expect(dt).toBeLessThan(((5 + 14) * 10) / 19_200 + 0.5e-3);
    // On USB (lan profile) the same exchange is several times faster.
    const [usb] = await exchangeTimes(bench({ seed: 3, timing: 'lan' }), 'stage-esp', '1TP?', 1, '\r');
    expect(usb).toBeLessThan(dt! / 3);
  });

  it('the stage servo lags its profile: while moving, the encoder trails the commanded motor by v × lag', async () => {
    const b = bench({ seed: 3, timing: { stage: { followingLag_ms: 2 } } });
    const pi = new LineClient(b.connect('stage-pi'));
    pi.write('SVO 1 1\nVEL 1 1\nMOV 1 5\n'); // 1 mm/s, 5 mm
    pi.write('ERR?\n');
    expect(await pi.next()).toBe('0');
    await b.clock.advance(1); // mid-move, at cruise speed
    const motion = (b as unknown as { stage: { motion: { position_um(a: 'X'): number; motorVelocity_um_s(a: 'X'): number } } }).stage.motion;
    const t = b.clock.now_s();
    const lagged = motion.position_um('X');
    const v = motion.motorVelocity_um_s('X');
    expect(v).toBeCloseTo(1000, 6);
    pi.write('POS? 1\n');
    const reported_um = Number((await pi.next()).split('=')[1]) * 1000;
    // POS? reads the lagged encoder one 0.2 ms exchange later.
    expect(reported_um - lagged).toBeCloseTo(0.2, 1);
    // Without the lag the same instant reads 2 µm further along (1000 µm/s × 2 ms).
    const ideal = bench({ seed: 3 });
    const pi0 = new LineClient(ideal.connect('stage-pi'));
    pi0.write('SVO 1 1\nVEL 1 1\nMOV 1 5\nERR?\n');
    expect(await pi0.next()).toBe('0');
    await ideal.clock.advanceTo(t);
    const motion0 = (ideal as unknown as { stage: { motion: { position_um(a: 'X'): number } } }).stage.motion;
    expect(motion0.position_um('X') - lagged).toBeCloseTo(2, 1);
  });

  it('the meter log opens after its start latency and leaves its dead time between windows', async () => {
    const b = bench({ seed: 3, timing: { meter: { deadTime_ms: 0.25, logStartLatency_ms: 1 } } });
    const m = new LineClient(b.connect('meter'));
    const t0 = b.clock.now_s();
    m.write(':TRIG1:INP IGN;:SENS1:CHAN1:FUNC:PAR:LOGG 100,1MS\n:SENS1:CHAN1:FUNC:STAT LOGG,STAR\n*OPC?\n');
    expect(await m.next()).toBe('1');
    // Two exchanges (0.2 ms each) to arm, 1 ms start latency, 100 windows of 1 ms with 0.25 ms between.
    expect(b.clock.now_s() - t0).toBeCloseTo(2 * 0.2e-3 + 1e-3 + 100 * 1e-3 + 99 * 0.25e-3, 9);
  });

  it('refuses a bad profile naming the field, and a role it does not have', () => {
    expect(() => new VirtualBench({ timing: { meter: { deadTime_ms: -1 } } })).toThrow(TimingProfileError);
    expect(() => new VirtualBench({ timing: { meter: { deadTime_ms: -1 } } })).toThrow(/meter\.deadTime_ms/);
    expect(() => new VirtualBench({ timing: { instruments: { osa: { link: { kind: 'lan', roundTrip: { mean_ms: 1 } } } } } })).toThrow(/instruments\.osa: no simulated instrument has this role/);
    expect(() => new VirtualBench({ timing: 'wan' as 'lan' })).toThrow(/'wan' is not a built-in profile/);
  });
});
