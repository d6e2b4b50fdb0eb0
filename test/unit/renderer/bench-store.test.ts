import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BenchStatus, LaserState, MeterReading, StageState } from '../../../service/bench-api.ts';
import { setBench } from '../../../renderer/api/bench-access.ts';
import { useBenchStore } from '../../../renderer/stores/bench.ts';
import { FakeBench, settle } from './fake-bench.ts';

const LIMITS = { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -10, max: 13 } };

function status(over: Partial<BenchStatus> = {}): BenchStatus {
  return {
    open: true, name: 'sim', source: { kind: 'sim', seed: 1, realtime: false }, runId: null, benchTime_s: 0,
    instruments: [
      { role: 'laser', kind: 'laser', driver: 'keysight-n777x', resource: 'SIM::laser', identity: 'K,N7778C', detected: false, state: 'ok', lastError: null },
      { role: 'meter', kind: 'meter', driver: 'keysight-n774x', resource: 'SIM::meter', identity: 'K,N7744A', detected: false, state: 'ok', lastError: null, channels: [1, 2] },
      { role: 'stage', kind: 'stage', driver: 'scpi-stage', resource: 'SIM::stage', identity: 'S', detected: false, state: 'ok', lastError: null, axes: [{ axis: 'X', min_um: 0, max_um: 100 }] },
    ],
    ...over,
  };
}

const laser = (output: boolean): LaserState => ({ role: 'laser', wavelength_nm: 1550, power_dBm: 0, output, limits: LIMITS });
const stage = (x: number): StageState => ({ role: 'stage', axes: [{ axis: 'X', min_um: 0, max_um: 100, position_um: x, atMin: x <= 0, atMax: x >= 100 }] });

describe('bench store', () => {
  let fake: FakeBench;
  let laserOn = false;

  beforeEach(() => {
    setActivePinia(createPinia());
    fake = new FakeBench();
    laserOn = false;
    fake.handlers = {
      benchStatus: async () => status(),
      monitorState: async () => ({ enabled: true, interval_s: 0.2, role: 'meter', channels: [1, 2], active: true, idleReason: null, lastError: null }),
      laserState: async () => laser(laserOn),
      stageState: async () => stage(50),
      setLaser: async (req) => { if (req.output !== undefined) laserOn = req.output; return laser(laserOn); },
      jogStage: async (req) => stage(50 + req.delta_um),
    };
    setBench(fake.bridge);
  });

  afterEach(() => {
    useBenchStore().dispose();
    setBench(null);
  });

  it('reads the bench and every instrument\'s state at start, and subscribes to pushed events', async () => {
    const bench = useBenchStore();
    await bench.init();
    expect(bench.isOpen).toBe(true);
    expect(bench.rolesOf('meter')).toEqual(['meter']);
    expect(bench.lasers['laser']?.output).toBe(false);
    expect(bench.stages['stage']?.axes[0]?.position_um).toBe(50);
    expect(fake.listenerCount('bench')).toBe(1);
    expect(fake.listenerCount('monitor')).toBe(1);
    bench.dispose();
    expect(fake.listenerCount('bench')).toBe(0);
  });

  it('shows the laser as emitting after it was turned on, and off after it was turned off', async () => {
    const bench = useBenchStore();
    await bench.init();
    expect(bench.emission).toBe('off');
    await bench.setLaser({ role: 'laser', output: true });
    expect(bench.emission).toBe('on');
    expect(fake.callsOf('setLaser')).toEqual([{ role: 'laser', output: true }]);
    await bench.setLaser({ role: 'laser', output: false });
    expect(bench.emission).toBe('off');
  });

  it('never shows an unknown laser state as off: not read yet, or a run owns the bench', async () => {
    const bench = useBenchStore();
    fake.handlers.laserState = () => new Promise(() => undefined);
    void bench.init();
    await settle();
    expect(bench.emission).toBe('unknown');

    setActivePinia(createPinia());
    fake.handlers.laserState = async () => laser(false);
    const b2 = useBenchStore();
    await b2.init();
    fake.emit('bench', status({ runId: 'run-1' }));
    expect(b2.emission).toBe('unknown');
  });

  it('shows the laser as unknown while the link to the service is down', async () => {
    const bench = useBenchStore();
    await bench.init();
    await bench.setLaser({ role: 'laser', output: false });
    bench.linkDown = true;
    expect(bench.emission).toBe('unknown');
    bench.linkDown = false;
    expect(bench.emission).toBe('off');
  });

  it('re-reads the instruments when a run gives the bench back (the run may have left the laser on)', async () => {
    const bench = useBenchStore();
    await bench.init();
    fake.emit('bench', status({ runId: 'run-1' }));
    laserOn = true;
    const before = fake.callsOf('laserState').length;
    fake.emit('bench', status({ runId: null }));
    await settle();
    expect(fake.callsOf('laserState').length).toBe(before + 1);
    expect(bench.emission).toBe('on');
  });

  it('keeps a refused call\'s message for the control that made it, and clears it on the next call', async () => {
    const bench = useBenchStore();
    await bench.init();
    fake.handlers.jogStage = async () => { throw new Error('stage X: target 120 µm is past the soft limit 100 µm'); };
    await bench.jog('stage', 'X', 70);
    expect(bench.errors.stage).toMatch(/soft limit 100 µm/);
    expect(bench.busy.stage).toBe(false);
    expect(bench.stages['stage']?.axes[0]?.position_um).toBe(50);
    fake.handlers.jogStage = async (req) => stage(50 + req.delta_um);
    await bench.jog('stage', 'X', 10);
    expect(bench.errors.stage).toBeNull();
    expect(bench.stages['stage']?.axes[0]?.position_um).toBe(60);
  });

  it('takes live readings from the monitor into the reading and its trend', async () => {
    const bench = useBenchStore();
    await bench.init();
    const reading = (t: number, p: number | null): MeterReading => ({
      role: 'meter', time: new Date().toISOString(), benchTime_s: t, channels: [{ channel: 1, power_dBm: p, power_mW: p === null ? 0 : 10 ** (p / 10) }],
    });
    fake.emit('monitor', reading(1, -20));
    fake.emit('monitor', reading(2, null));
    fake.emit('monitor', reading(3, -18.5));
    expect(bench.readings['meter']?.channels[0]?.power_dBm).toBe(-18.5);
    const [t, v] = bench.trend.series('meter', 1);
    expect(Array.from(t)).toEqual([1, 2, 3]);
    expect(Array.from(v)).toEqual([-20, Number.NaN, -18.5]);
  });

  it('keeps a console transcript per role, with replies, instrument errors and refusals', async () => {
    const bench = useBenchStore();
    await bench.init();
    fake.handlers.scpi = async (req) => ({
      role: req.role, command: req.command, kind: req.command.endsWith('?') ? 'query' : 'command',
      reply: req.command.endsWith('?') ? 'K,N7778C' : null, errors: req.command === 'BAD' ? [{ code: -113, message: 'Undefined header' }] : [],
      failure: null, duration_ms: 1.2,
    });
    await bench.scpi('laser', '*IDN?');
    await bench.scpi('laser', 'BAD');
    fake.handlers.scpi = async () => { throw new Error("no instrument with role 'nope'"); };
    await bench.scpi('nope', '*IDN?');
    expect(bench.consoles['laser']?.map((l) => l.reply?.reply ?? null)).toEqual(['K,N7778C', null]);
    expect(bench.consoles['laser']?.[1]?.reply?.errors[0]?.code).toBe(-113);
    expect(bench.consoles['nope']?.[0]?.refused).toMatch(/no instrument with role 'nope'/);
  });

  it('follows the laser the service pushes (any client\'s switch, a console line, an interlock), without polling it', async () => {
    const bench = useBenchStore();
    await bench.init();
    const reads = fake.callsOf('laserState').length;
    expect(bench.emission).toBe('off');
    fake.emit('laser', { role: 'laser', state: laser(true), error: null, time: '2026-01-01T00:00:00Z' });
    expect(bench.emission).toBe('on');
    expect(bench.lasers['laser']?.output).toBe(true);
    fake.emit('laser', { role: 'laser', state: laser(false), error: null, time: '2026-01-01T00:00:02Z' });
    expect(bench.emission).toBe('off');
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.callsOf('laserState').length).toBe(reads);
  });

  it('shows a laser the service could not read as unknown, not off', async () => {
    const bench = useBenchStore();
    await bench.init();
    fake.emit('laser', { role: 'laser', state: laser(true), error: null, time: '2026-01-01T00:00:00Z' });
    fake.emit('laser', { role: 'laser', state: null, error: 'laser: TimeoutError: no reply to :SOUR0:POW:STAT?', time: '2026-01-01T00:00:02Z' });
    expect(bench.emission).toBe('unknown');
    expect(bench.lasers['laser']).toBeUndefined();
    // A run owning the bench: whatever was last read, the laser is the run's (unknown to us).
    fake.emit('laser', { role: 'laser', state: laser(false), error: null, time: '2026-01-01T00:00:04Z' });
    fake.emit('bench', status({ runId: 'run-1' }));
    expect(bench.emission).toBe('unknown');
  });

  it('forgets the instruments\' states when the bench closes', async () => {
    const bench = useBenchStore();
    await bench.init();
    fake.emit('bench', { ...status(), open: false, instruments: [], name: null, source: null });
    expect(bench.lasers).toEqual({});
    expect(bench.emission).toBe('off');
  });
});
