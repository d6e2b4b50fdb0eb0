import { afterEach, describe, expect, it } from 'vitest';
import { LinkHub, UnknownRoleError } from '../../../../sim/link/link-hub.ts';
import { FakeInstrument } from './fake-instrument.ts';
import { LineClient } from './line-client.ts';

describe('in-process links', () => {
  let hub: LinkHub;
  afterEach(async () => {
    await hub.close();
  });

  function makeHub(): { meter: FakeInstrument; esp: FakeInstrument } {
    const meter = new FakeInstrument('meter');
    const esp = new FakeInstrument('stage-esp', 'ESP301 Version 3.0', { inputTerminator: '\r', outputTerminator: '\r\n' });
    hub = new LinkHub([meter, esp]);
    return { meter, esp };
  }

  it('answers a query over the duplex returned by connect(role)', async () => {
    makeHub();
    const c = new LineClient(hub.connect('meter'));
    expect(await c.query('*IDN?\n')).toBe('FAKE,meter,0,1');
  });

  it("uses each instrument's own framing", async () => {
    makeHub();
    const c = new LineClient(hub.connect('stage-esp'), '\r\n');
    expect(await c.query('*IDN?\r')).toBe('ESP301 Version 3.0');
  });

  it('executes several messages written in one chunk, in order, and joins a message split over writes', async () => {
    const { meter } = makeHub();
    const c = new LineClient(hub.connect('meter'));
    c.write('SET 1\nECHO? a\nECHO? b\nEC');
    c.write('HO? c\n');
    expect([await c.next(), await c.next(), await c.next()]).toEqual(['a', 'b', 'c']);
    expect(meter.executed).toEqual(['SET 1', 'ECHO? a', 'ECHO? b', 'ECHO? c']);
  });

  it('throws UnknownRoleError naming the role and the known roles', () => {
    makeHub();
    expect(() => hub.connect('lazer')).toThrow(UnknownRoleError);
    expect(() => hub.connect('lazer')).toThrow("no simulated instrument has the role 'lazer'; known roles: meter, stage-esp");
  });

  it('detaches the link when the client closes its end', async () => {
    makeHub();
    const duplex = hub.connect('meter');
    const c = new LineClient(duplex);
    await c.query('*IDN?\n');
    expect(hub.host('meter').linkCount).toBe(1);
    duplex.destroy();
    await c.waitClosed();
    await new Promise((r) => setImmediate(r));
    expect(hub.host('meter').linkCount).toBe(0);
  });

  it('answers what was queued before the client ended its side, then closes', async () => {
    makeHub();
    const duplex = hub.connect('meter');
    const c = new LineClient(duplex);
    duplex.end('SLOW? 20\n');
    expect(await c.next()).toBe('slow 20');
    await c.waitClosed();
  });

  it('close() cuts the in-process links it handed out', async () => {
    makeHub();
    const c = new LineClient(hub.connect('meter'));
    await c.query('*IDN?\n');
    await hub.close();
    await c.waitClosed();
    expect(c.ended).toBe(true);
  });
});
