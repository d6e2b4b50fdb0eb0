// The Keysight laser lock against the simulator: a locked laser (`:LOCK 1,<password>`, which also switches
// it off) refuses :POW:STAT; the driver says it is locked, and safe() still succeeds since it is off.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LaserLockedError } from '../../../../drivers/instruments/keysight-n777x-lock.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { simFixture, type SimFixture } from './sim-fixture.ts';

describe('Keysight laser lock (simulator, in-process)', () => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await simFixture('in-process');
  });
  afterEach(async () => {
    await f.close();
  });

  it('locked: setOutput is refused as locked, safe() confirms it off; unlocked with the password it switches on', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    await laser.setOutput(true);
    const raw = await f.session('laser');
    await raw.write(':LOCK 1,1234');
    expect(await raw.query(':LOCK?')).toBe('1');
    expect(await laser.output()).toBe(false);
    await expect(laser.setOutput(true)).rejects.toThrow(LaserLockedError);
    await laser.safe();
    await raw.write(':LOCK 0,9999');
    expect(await raw.query(':LOCK?')).toBe('1');
    await expect(raw.checkErrors()).rejects.toThrow(/wrong laser lock password/);
    await raw.write(':LOCK 0,1234');
    await raw.checkErrors();
    await laser.setOutput(true);
    expect(await laser.output()).toBe(true);
    await laser.safe();
  });
});
