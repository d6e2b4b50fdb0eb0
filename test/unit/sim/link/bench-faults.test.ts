import { afterEach, describe, expect, it, vi } from 'vitest';
import { BenchFaults, FaultArgumentError } from '../../../../sim/faults.ts';
import { LinkHub } from '../../../../sim/link/link-hub.ts';
import { FakeInstrument } from './fake-instrument.ts';
import { LineClient } from './line-client.ts';

function makeFaults() {
  const meter = new FakeInstrument('meter');
  const hub = new LinkHub([meter, new FakeInstrument('laser')]);
  const optical = { tripInterlock: vi.fn(), resetInterlock: vi.fn(), loseBertSync: vi.fn(), restoreBertSync: vi.fn() };
  const stage = { stall: vi.fn(), unstall: vi.fn() };
  return { faults: new BenchFaults({ links: hub, optical, stage }), hub, meter, optical, stage };
}

describe('BenchFaults (the one facade tests script faults through)', () => {
  let hub: LinkHub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  it('routes link faults to the links of the role', async () => {
    const f = makeFaults();
    hub = f.hub;
    const c = new LineClient(f.hub.connect('meter'));
    f.faults.answerGarbage('meter');
    expect(await c.query('ECHO? 1\n')).not.toBe('1');
    f.faults.stopAnswering('meter');
    await expect(c.query('ECHO? 2\n', 100)).rejects.toThrow(/no reply/);
    f.faults.stopAnswering('meter', false);
    f.faults.pushError('meter', -350, 'full');
    expect(await c.query('ERR?\n')).toBe('-350,full');
    expect(f.faults.dropConnection('meter')).toBe(1);
    await c.waitClosed();
  });

  it('delegates the physical faults and reports what is active', () => {
    const f = makeFaults();
    hub = f.hub;
    f.faults.stallStage('Z');
    f.faults.tripInterlock();
    f.faults.loseBertSync();
    f.faults.stopAnswering('laser');
    f.faults.answerGarbage('meter', 2);
    expect(f.stage.stall).toHaveBeenCalledWith('Z');
    expect(f.optical.tripInterlock).toHaveBeenCalledOnce();
    expect(f.optical.loseBertSync).toHaveBeenCalledOnce();
    expect(f.faults.active()).toEqual([
      'meter: 2 garbage replies pending',
      'laser: not answering',
      'stage axis Z: stalled',
      'laser: interlock tripped',
      'bert: pattern sync lost',
    ]);
    f.faults.unstallStage('Z');
    f.faults.resetInterlock();
    f.faults.restoreBertSync();
    expect(f.stage.unstall).toHaveBeenCalledWith('Z');
    expect(f.optical.resetInterlock).toHaveBeenCalledOnce();
    expect(f.optical.restoreBertSync).toHaveBeenCalledOnce();
    expect(f.faults.active()).toEqual(['meter: 2 garbage replies pending', 'laser: not answering']);
  });

  it('clear() ends every fault at once', async () => {
    const f = makeFaults();
    hub = f.hub;
    f.faults.stopAnswering('meter');
    f.faults.stallStage('X');
    f.faults.tripInterlock();
    f.faults.clear();
    expect(f.faults.active()).toEqual([]);
    expect(f.stage.unstall.mock.calls.map((c) => c[0])).toEqual(['X', 'Y', 'Z']);
    expect(f.optical.resetInterlock).toHaveBeenCalled();
    expect(f.optical.restoreBertSync).toHaveBeenCalled();
    expect(await new LineClient(f.hub.connect('meter')).query('ECHO? ok\n')).toBe('ok');
  });

  it('refuses an unknown axis or a non-integer error code, naming what was expected', () => {
    const f = makeFaults();
    hub = f.hub;
    expect(() => f.faults.stallStage('W')).toThrow(FaultArgumentError);
    expect(() => f.faults.stallStage('W')).toThrow("stallStage: no stage axis 'W'; expected one of X, Y, Z");
    expect(() => f.faults.unstallStage('x')).toThrow(/unstallStage: no stage axis 'x'/);
    expect(() => f.faults.pushError('meter', 1.5)).toThrow('pushError(meter): code must be an integer, got 1.5');
    expect(f.stage.stall).not.toHaveBeenCalled();
  });
});
