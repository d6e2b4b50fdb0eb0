// What a bench does at 3 a.m., seen through the drivers: a tripped laser interlock, instrument errors,
// garbled replies, a hung box, a pulled cable, and safe() putting everything in its safe state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstrumentError, LinkLostError, ReplyFormatError, TimeoutError } from '../../../../drivers/errors.ts';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import { keysightN776xDescriptor } from '../../../../drivers/instruments/keysight-n776x.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { anritsuMp1900aDescriptor } from '../../../../drivers/instruments/anritsu-mp1900a.ts';
import { SafeStateError } from '../../../../drivers/properties/safe-state.ts';
import { LINKS, simFixture } from './sim-fixture.ts';
import type { SimFixture } from './sim-fixture.ts';

describe.each(LINKS)('faults and the safe state (%s)', (link) => {
  let f: SimFixture;
  beforeEach(async () => {
    f = await simFixture(link);
  });
  afterEach(async () => {
    await f.close();
  });

  it('interlock: the light goes off, switching on is refused with the instrument error, a reset lets it on again', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    await (await f.open(keysightN776xDescriptor, 'voa')).setOutput(true);
    await laser.setOutput(true);
    expect(await meter.readPower_dBm(2)).toBeGreaterThan(-40);
    f.bench.faults.tripInterlock();
    expect(await laser.output()).toBe(false);
    expect(await meter.readPower_dBm(2)).toBeLessThan(-60);
    const err = await laser.setOutput(true).catch((e: unknown) => e) as InstrumentError;
    expect(err).toBeInstanceOf(InstrumentError);
    expect(err.code).toBe(-240);
    expect(err.command).toBe(':SOUR0:POW:STAT 1');
    expect(err.message).toMatch(/interlock/);
    f.bench.faults.resetInterlock();
    await laser.setOutput(true);
    expect(await laser.output()).toBe(true);
  });

  it('an error the instrument raises surfaces on the next command as a typed InstrumentError', async () => {
    const voa = await f.open(keysightN776xDescriptor, 'voa');
    f.bench.faults.pushError('voa', -222, 'attenuator filter jammed');
    const err = await voa.setAttenuation_dB(5).catch((e: unknown) => e) as InstrumentError;
    expect(err).toBeInstanceOf(InstrumentError);
    expect([err.code, err.command]).toEqual([-222, ':INP1:ATT 5DB']);
    expect(err.instrumentMessage).toMatch(/jammed/);
    await voa.setAttenuation_dB(5);
    expect(await voa.attenuation_dB()).toBe(5);
  });

  it('a garbled reply is a ReplyFormatError; the next exchange is clean', async () => {
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    f.bench.faults.answerGarbage('meter', 1);
    await expect(meter.wavelength_nm(1)).rejects.toThrow(ReplyFormatError);
    expect(await meter.wavelength_nm(1)).toBe(1550);
  });

  it('a hung instrument times out (TimeoutError), and the driver works again once it answers', async () => {
    const bert = await f.open(anritsuMp1900aDescriptor, 'bert', {}, { timeout_ms: 300 });
    f.bench.faults.stopAnswering('bert');
    await expect(bert.gateRunning()).rejects.toThrow(TimeoutError);
    f.bench.faults.stopAnswering('bert', false);
    expect(await bert.gateRunning()).toBe(false);
  });

  it('safe(): laser off, BERT gate and output stopped, meter logging stopped, VOA untouched', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    const meter = await f.open(keysightN774xDescriptor, 'meter');
    const voa = await f.open(keysightN776xDescriptor, 'voa');
    const bert = await f.open(anritsuMp1900aDescriptor, 'bert');
    await laser.setOutput(true);
    await voa.setAttenuation_dB(7);
    await bert.setOutput(true);
    await bert.setGate({ mode: 'time', period_s: 1000 });
    await bert.startGate();
    await meter.startLogging({ channel: 1, samples: 1000, averagingTime_s: 1e-4, trigger: 'single' });

    await Promise.all([laser.safe(), meter.safe(), voa.safe(), bert.safe()]);
    expect(await laser.output()).toBe(false);
    expect(await meter.loggingState(1)).toBe('idle');
    expect(await bert.gateRunning()).toBe(false);
    expect(await bert.output()).toBe(false);
    expect(await voa.attenuation_dB()).toBe(7);
  });

  it('safe() on a laser whose link was pulled reports the failure instead of hanging', async () => {
    const laser = await f.open(keysightN777xDescriptor, 'laser');
    await laser.setOutput(true);
    f.bench.faults.dropConnection('laser');
    await expect(laser.output()).rejects.toThrow(LinkLostError);
    const err = await laser.safe().catch((e: unknown) => e) as SafeStateError;
    expect(err).toBeInstanceOf(SafeStateError);
    expect(err.failures).toHaveLength(3);
    // A new connection still works, and safe() through it switches the light off.
    const again = await f.open(keysightN777xDescriptor, 'laser');
    expect(await again.output()).toBe(true);
    await again.safe();
    expect(await again.output()).toBe(false);
  });
});
