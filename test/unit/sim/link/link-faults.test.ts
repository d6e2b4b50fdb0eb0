import { afterEach, describe, expect, it } from 'vitest';
import { LinkHub, UnknownRoleError } from '../../../../sim/link/link-hub.ts';
import { createJunkSource } from '../../../../sim/link/junk.ts';
import type { SimInstrument } from '../../../../sim/sim-instrument.ts';
import { FakeInstrument } from './fake-instrument.ts';
import { LineClient } from './line-client.ts';

describe('link faults', () => {
  let hub: LinkHub;
  let meter: FakeInstrument;
  afterEach(async () => {
    await hub.close();
  });
  function makeHub(): void {
    meter = new FakeInstrument('meter');
    hub = new LinkHub([meter, new FakeInstrument('laser')], { seed: 7 });
  }

  it('dropConnection closes every client link of the role, and only that role', async () => {
    makeHub();
    const a = new LineClient(hub.connect('meter'));
    const b = new LineClient(hub.connect('meter'));
    const l = new LineClient(hub.connect('laser'));
    await a.query('*IDN?\n');
    expect(hub.dropConnection('meter')).toBe(2);
    await Promise.all([a.waitClosed(), b.waitClosed()]);
    expect(a.ended && b.ended).toBe(true);
    expect(await l.query('*IDN?\n')).toBe('FAKE,laser,0,1');
    // A new connection works: the cable was pulled, the instrument is still there.
    expect(await new LineClient(hub.connect('meter')).query('*IDN?\n')).toBe('FAKE,meter,0,1');
  });

  it('stopAnswering swallows commands unexecuted until turned off', async () => {
    makeHub();
    const c = new LineClient(hub.connect('meter'));
    hub.stopAnswering('meter');
    await expect(c.query('*IDN?\n', 100)).rejects.toThrow(/no reply/);
    c.write('SET 5\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(meter.executed).toEqual([]);
    hub.stopAnswering('meter', false);
    expect(await c.query('ECHO? back\n')).toBe('back');
  });

  it('answerGarbage replaces the next replies with junk, executes the commands, then answers normally', async () => {
    makeHub();
    const c = new LineClient(hub.connect('meter'));
    hub.answerGarbage('meter', 2);
    const first = await c.query('ECHO? 1.2345E-03\n');
    const second = await c.query('*IDN?\n');
    expect(first).not.toBe('1.2345E-03');
    expect(Number.isNaN(Number(first))).toBe(true);
    expect(second).not.toBe('FAKE,meter,0,1');
    expect(second.length).toBeGreaterThanOrEqual(4);
    expect(meter.executed).toEqual(['ECHO? 1.2345E-03', '*IDN?']);
    expect(await c.query('ECHO? ok\n')).toBe('ok');
  });

  it('answerGarbage leaves commands without replies alone', async () => {
    makeHub();
    const c = new LineClient(hub.connect('meter'));
    hub.answerGarbage('meter');
    c.write('SET 1\n');
    expect(await c.query('ECHO? x\n')).not.toBe('x');
  });

  it('answerGarbage refuses a count that is not a non-negative integer', () => {
    makeHub();
    expect(() => hub.answerGarbage('meter', -1)).toThrow('answerGarbage(meter): count must be a non-negative integer, got -1');
    expect(() => hub.answerGarbage('meter', 1.5)).toThrow(RangeError);
  });

  it('pushError reaches the instrument error queue', async () => {
    makeHub();
    hub.pushError('meter', -240, 'detector hot');
    expect(await new LineClient(hub.connect('meter')).query('ERR?\n')).toBe('-240,detector hot');
  });

  it('pushError on an instrument without an error queue says so', () => {
    const bare: SimInstrument = {
      role: 'box',
      identity: 'BARE',
      framing: { inputTerminator: '\n', outputTerminator: '\n' },
      execute: async () => undefined,
    };
    hub = new LinkHub([bare]);
    expect(() => hub.pushError('box', -100)).toThrow("the 'box' instrument (BARE) has no error queue");
  });

  it('clearLinkFaults ends silence and pending garbage', async () => {
    makeHub();
    hub.stopAnswering('meter');
    hub.answerGarbage('meter', 3);
    hub.clearLinkFaults();
    expect(await new LineClient(hub.connect('meter')).query('ECHO? clean\n')).toBe('clean');
  });

  it('every fault names an unknown role', () => {
    makeHub();
    expect(() => hub.dropConnection('bert')).toThrow(UnknownRoleError);
    expect(() => hub.stopAnswering('bert')).toThrow("stopAnswering: no simulated instrument has the role 'bert'; known roles: meter, laser");
    expect(() => hub.answerGarbage('bert')).toThrow(/answerGarbage: .*'bert'/);
    expect(() => hub.pushError('bert', -100)).toThrow(/pushError: .*'bert'/);
  });

  it('junk is reproducible per seed, terminated, and never looks like a number or a block', () => {
    const a = createJunkSource(3);
    const b = createJunkSource(3);
    for (let i = 0; i < 50; i++) {
      const x = Buffer.from(a(12, '\r\n')).toString('latin1');
      expect(x).toBe(Buffer.from(b(12, '\r\n')).toString('latin1'));
      expect(x.endsWith('\r\n')).toBe(true);
      expect(x.slice(0, -2)).not.toMatch(/[#\r\n"']/);
      expect(x[0]).toMatch(/[^0-9+\-.]/);
    }
  });
});
