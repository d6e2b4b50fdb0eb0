// Switching a Keysight laser on waits for *OPC? (the switch-on settles); a laser that never settles is a
// LaserWarmUpError after warmUp_s, and its output is switched off again.
import { describe, expect, it } from 'vitest';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { LaserWarmUpError } from '../../../../drivers/instruments/keysight-n777x-warmup.ts';
import { DriverOptionError } from '../../../../drivers/properties/errors.ts';
import { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { resolveSessionOptions } from '../../../../drivers/session/session-options.ts';
import { FakeTransport } from '../../../helpers/fake-transport.ts';

const REPLIES: Record<string, string> = {
  '*IDN?': 'Keysight Technologies,N7778C,DE1,1.4.2',
  ':SOUR0:WAV? MIN;:SOUR0:WAV? MAX;:SOUR0:POW:UNIT?;:SOUR0:POW? MIN;:SOUR0:POW? MAX': '+1.48E-06;+1.64E-06;+0;-10;+13',
  ':SOUR0:WAV:SWE:SPE? MIN;:SOUR0:WAV:SWE:SPE? MAX': '+5E-10;+2E-07',
  'SYST:ERR?': '+0,"No error"',
};

describe('keysight-n777x: warm-up after switching on', () => {
  it('setOutput(true) returns once *OPC? answers, however long past the read timeout that is', async () => {
    const t = new FakeTransport();
    await t.open();
    let opcAsked = 0;
    t.responder = (msg) => {
      if (msg === '*OPC?') {
        opcAsked++;
        setTimeout(() => t.feed('1\n'), 350);
        return undefined;
      }
      return REPLIES[msg] === undefined ? undefined : `${REPLIES[msg]}\n`;
    };
    const s = new ScpiSession(t, resolveSessionOptions(t.resource, { timeout_ms: 150 }));
    try {
      const l = await keysightN777xDescriptor.create({ session: s, role: 'laser', options: { warmUp_s: 2 } });
      await l.setOutput(true);
      expect(opcAsked).toBe(1);
      expect(t.writes.slice(-3)).toEqual([':SOUR0:POW:STAT 1', 'SYST:ERR?', '*OPC?']);
    } finally {
      await s.close();
    }
  });

  it('a laser that never settles: LaserWarmUpError naming the time and the option, and the output off again', async () => {
    const t = new FakeTransport();
    await t.open();
    // The laser never answers the *OPC? of the switch-on; it answers the resynchronisation before the switch-off.
    t.responder = (msg) => (msg === 'SYST:ERR?;*OPC?' ? '+0,"No error";1\n' : REPLIES[msg] === undefined ? undefined : `${REPLIES[msg]}\n`);
    const s = new ScpiSession(t, resolveSessionOptions(t.resource, { timeout_ms: 150, resyncQuiet_ms: 20 }));
    try {
      const l = await keysightN777xDescriptor.create({ session: s, role: 'laser', options: { warmUp_s: 0.2 } });
      const err = await l.setOutput(true).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LaserWarmUpError);
      expect((err as Error).message).toMatch(/did not settle within 0\.2 s of switching on .*switched off again.*warmUp_s/);
      expect(t.writes).toContain(':SOUR0:POW:STAT 0');
      expect(t.writes.lastIndexOf(':SOUR0:POW:STAT 0')).toBeGreaterThan(t.writes.indexOf('*OPC?'));
    } finally {
      await s.close();
    }
  });

  it('when the switch-off fails too, the error says so (safe() tries again)', async () => {
    const t = new FakeTransport();
    await t.open();
    t.responder = (msg) => (REPLIES[msg] === undefined ? undefined : `${REPLIES[msg]}\n`);
    const s = new ScpiSession(t, resolveSessionOptions(t.resource, { timeout_ms: 150, resyncQuiet_ms: 20 }));
    try {
      const l = await keysightN777xDescriptor.create({ session: s, role: 'laser', options: { warmUp_s: 0.2 } });
      const err = await l.setOutput(true).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LaserWarmUpError);
      expect((err as Error).message).toMatch(/switching the output off failed too .*safe\(\) will try again/);
    } finally {
      await s.close();
    }
  });

  it('refuses a warm-up time that is not a positive number of seconds', async () => {
    await expect(keysightN777xDescriptor.create({ session: null as unknown as ScpiSession, role: 'laser', options: { warmUp_s: 0 } }))
      .rejects.toThrow(DriverOptionError);
    expect(() => keysightN777xDescriptor.checkOptions?.({ warmUp_s: 'long' })).toThrow(/warmUp_s/);
  });
});
