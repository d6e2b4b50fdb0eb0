import { afterEach, describe, expect, it, vi } from 'vitest';
import { LinkHub } from '../../../../sim/link/link-hub.ts';
import { FakeInstrument } from './fake-instrument.ts';
import { LineClient } from './line-client.ts';

describe('one parser per instrument', () => {
  let hub: LinkHub;
  afterEach(async () => {
    await hub.close();
  });

  it('executes messages from two connections one at a time, in arrival order, and answers each its own', async () => {
    const meter = new FakeInstrument('meter');
    hub = new LinkHub([meter]);
    const a = new LineClient(hub.connect('meter'));
    const b = new LineClient(hub.connect('meter'));
    a.write('SLOW? 30\n');
    await new Promise((r) => setTimeout(r, 5));
    b.write('SLOW? 1\nECHO? from-b\n');
    a.write('ECHO? from-a\n');
    expect(await b.next()).toBe('slow 1');
    expect(await a.next()).toBe('slow 30');
    expect(await b.next()).toBe('from-b');
    expect(await a.next()).toBe('from-a');
    expect(meter.maxRunning).toBe(1);
    expect(meter.executed).toEqual(['SLOW? 30', 'SLOW? 1', 'ECHO? from-b', 'ECHO? from-a']);
  });

  it('keeps separate instruments independent', async () => {
    const meter = new FakeInstrument('meter');
    const laser = new FakeInstrument('laser');
    hub = new LinkHub([meter, laser]);
    const m = new LineClient(hub.connect('meter'));
    const l = new LineClient(hub.connect('laser'));
    m.write('SLOW? 200\n');
    // The laser answers while the meter is still busy.
    expect(await l.query('*IDN?\n', 150)).toBe('FAKE,laser,0,1');
    expect(await m.next()).toBe('slow 200');
  });

  it('survives an instrument that throws (a simulator bug) and keeps serving', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const meter = new FakeInstrument('meter');
    hub = new LinkHub([meter]);
    const c = new LineClient(hub.connect('meter'));
    c.write('THROW\n');
    expect(await c.query('ECHO? still here\n')).toBe('still here');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("simulated 'meter' threw while executing \"THROW\""), 'SimulatorBug');
    warn.mockRestore();
  });

  it('pushes -363 when a message outgrows the input buffer', async () => {
    const meter = new FakeInstrument('meter');
    hub = new LinkHub([meter]);
    const c = new LineClient(hub.connect('meter'));
    c.write(Buffer.alloc(17 * 1024 * 1024, 0x41));
    expect(await c.query('ERR?\n', 5000)).toMatch(/^-363,\d+ bytes without a terminator discarded$/);
  });
});
