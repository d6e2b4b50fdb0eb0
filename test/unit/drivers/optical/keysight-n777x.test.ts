import { describe, expect, it } from 'vitest';
import { InstrumentError, ReplyFormatError } from '../../../../drivers/errors.ts';
import type { KeysightN777xLaser} from '../../../../drivers/instruments/keysight-n777x.ts';
import { LaserLockedError } from '../../../../drivers/instruments/keysight-n777x-lock.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import { DriverOptionError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { SafeStateError } from '../../../../drivers/properties/safe-state.ts';
import { stepSweep } from '../../../../drivers/roles/tunable-laser.ts';
import type { SweepConfig } from '../../../../drivers/roles/tunable-laser.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol, floatBlock } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN_N7778C = 'Keysight Technologies,N7778C,DE56300112,1.4.2';
const LIMITS_QUERY = ':SOUR0:WAV? MIN;:SOUR0:WAV? MAX;:SOUR0:POW:UNIT?;:SOUR0:POW? MIN;:SOUR0:POW? MAX';
const SPEED_QUERY = ':SOUR0:WAV:SWE:SPE? MIN;:SOUR0:WAV:SWE:SPE? MAX';
const SPEED: Exchange = [SPEED_QUERY, '+5.00000000E-10;+2.00000000E-07'];
const CREATE: Exchange[] = [['*IDN?', IDN_N7778C], [LIMITS_QUERY, '+1.48000000E-06;+1.64000000E-06;+0;-1.00000000E+01;+1.30000000E+01'], SPEED];

function laser(session: ScpiSession, options: Record<string, unknown> = {}): Promise<KeysightN777xLaser> {
  return keysightN777xDescriptor.create({ session, role: 'laser', options });
}

const SWEEP: SweepConfig = { start_nm: 1520, stop_nm: 1580, step_nm: 0.01, speed_nm_s: 10, mode: 'continuous', logWavelengths: true, triggerOutput: 'step' };

describe('keysight-n777x: limits', () => {
  it('asks the laser for its wavelength and power limits (in W too) and lets the bench file narrow them', async () => {
    await expectProtocol([
      ...CREATE,
      ['*IDN?', IDN_N7778C], [LIMITS_QUERY, '+1.26000000E-06;+1.36000000E-06;+1;+1.00000000E-04;+1.00000000E-02'], SPEED,
      ['*IDN?', IDN_N7778C], [LIMITS_QUERY, '+1.48000000E-06;+1.64000000E-06;+0;-1.00000000E+01;+1.30000000E+01'], SPEED,
    ], async (s) => {
      expect((await laser(s)).limits).toEqual({ wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -10, max: 13 }, speed_nm_s: { min: 0.5, max: 200 } });
      const oband = await laser(s);
      expect(oband.limits.wavelength_nm).toEqual({ min: 1260, max: 1360 });
      expect(oband.limits.power_dBm.min).toBeCloseTo(-10, 9);
      expect(oband.limits.power_dBm.max).toBeCloseTo(10, 9);
      const narrowed = await laser(s, { wavelengthRange_nm: [1500, 1700], powerRange_dBm: [-20, 5] });
      expect(narrowed.limits.wavelength_nm).toEqual({ min: 1500, max: 1640 });
      expect(narrowed.limits.power_dBm).toEqual({ min: -10, max: 5 });
    });
  });

  it('asks for the sweep-speed limits (m/s); firmware that does not answer them gets the model table', async () => {
    const LIMITS: Exchange = [LIMITS_QUERY, '+1.48000000E-06;+1.64000000E-06;+0;-1.00000000E+01;+1.30000000E+01'];
    await expectProtocol([
      ['*IDN?', IDN_N7778C], LIMITS, [SPEED_QUERY, '+1.00000000E-09;+1.00000000E-07'],
      ['*IDN?', 'Agilent Technologies,81600B,X,1'], LIMITS, [SPEED_QUERY, '+0'], ['SYST:ERR?', '-224,"Illegal parameter value"'], NO_ERROR,
      ['*IDN?', IDN_N7778C], LIMITS, [SPEED_QUERY, 'fast;slow'],
    ], async (s) => {
      expect((await laser(s)).limits.speed_nm_s).toEqual({ min: 1, max: 100 });
      expect((await laser(s)).limits.speed_nm_s).toEqual({ min: 0.5, max: 80 });
      await expect(laser(s)).rejects.toThrow(/SPE\? MIN;.*"fast"; expected a number/);
    });
  });

  it('a laser that cannot report its limits needs them from the bench file', async () => {
    await expectProtocol([
      ['*IDN?', 'Agilent Technologies,81600B,X,1'], [LIMITS_QUERY, '+0'], ['SYST:ERR?', '-224,"Illegal parameter value"'], NO_ERROR,
      ['*IDN?', 'Agilent Technologies,81600B,X,1'], [LIMITS_QUERY, 'garbage'], NO_ERROR,
    ], async (s) => {
      await expect(laser(s)).rejects.toThrow(DriverOptionError);
      const l = await laser(s, { wavelengthRange_nm: [1440, 1640], powerRange_dBm: [-7, 7] });
      expect(l.limits).toEqual({ wavelength_nm: { min: 1440, max: 1640 }, power_dBm: { min: -7, max: 7 }, speed_nm_s: { min: 0.5, max: 80 } });
    });
    await expect(laser(null as unknown as ScpiSession, { slot: -1 })).rejects.toThrow(/option 'slot'/);
  });

  it('a bench-file range outside the laser\'s own is refused, not turned into an empty range', async () => {
    await expectProtocol([...CREATE, ...CREATE], async (s) => {
      await expect(laser(s, { wavelengthRange_nm: [1700, 1800] })).rejects.toThrow(
        "driver 'keysight-n777x': option 'wavelengthRange_nm' [1700, 1800] nm lies outside the laser's own 1480…1640 nm");
      await expect(laser(s, { powerRange_dBm: [15, 20] })).rejects.toThrow(/option 'powerRange_dBm' \[15, 20\] dBm lies outside the laser's own -10…13 dBm/);
    });
  });

  it('takes the source number as slot or, as the bench-file contract names it, source (not both, different)', async () => {
    const SOURCE1: Exchange[] = [['*IDN?', IDN_N7778C], [LIMITS_QUERY.replaceAll('SOUR0', 'SOUR1'), '+1.48000000E-06;+1.64000000E-06;+0;-1.00000000E+01;+1.30000000E+01'],
      [SPEED_QUERY.replaceAll('SOUR0', 'SOUR1'), '+5.00000000E-10;+2.00000000E-07']];
    await expectProtocol([...SOURCE1, ...SOURCE1], async (s) => {
      expect((await laser(s, { source: 1 })).at).toEqual({ slot: 1 });
      expect((await laser(s, { slot: 1, source: 1 })).at).toEqual({ slot: 1 });
      await expect(laser(s, { slot: 0, source: 1 })).rejects.toThrow("driver 'keysight-n777x': option 'source' is 1 but slot is 0: they name the same number; give one");
    });
    expect(() => keysightN777xDescriptor.checkOptions?.({ sorce: 1 })).toThrow(
      "driver 'keysight-n777x': option 'sorce' is unknown; keysight-n777x takes slot, source, wavelengthRange_nm, powerRange_dBm");
  });

  it('identifies the N777xC family and 8160x lasers', () => {
    expect(keysightN777xDescriptor.matchesIdentity(IDN_N7778C)).toBe(true);
    expect(keysightN777xDescriptor.matchesIdentity('Agilent Technologies,81600B,1,1')).toBe(true);
    expect(keysightN777xDescriptor.matchesIdentity('Keysight Technologies,N7744A,1,1')).toBe(false);
  });
});

describe('keysight-n777x: wavelength, power, output', () => {
  it('sends nm with a unit, reads m back; power in dBm whatever the display unit; output 1/0', async () => {
    await expectProtocol([...CREATE,
      [':SOUR0:WAV 1550.125NM', null], NO_ERROR,
      [':SOUR0:WAV?', '+1.55012500E-06'],
      [':SOUR0:POW -3.5DBM', null], NO_ERROR,
      [':SOUR0:POW:UNIT?;:SOUR0:POW?', '+0;-3.50000000E+00'],
      [':SOUR0:POW:UNIT?;:SOUR0:POW?', '+1;+1.00000000E-03'],
      [':SOUR0:POW:STAT 1', null], NO_ERROR, ['*OPC?', '1'],
      [':SOUR0:POW:STAT?', '+1'],
      ['*OPC?', '1'],
    ], async (s) => {
      const l = await laser(s);
      await l.setWavelength_nm(1550.125);
      expect(await l.wavelength_nm()).toBe(1550.125);
      await l.setPower_dBm(-3.5);
      expect(await l.power_dBm()).toBe(-3.5);
      expect(await l.power_dBm()).toBeCloseTo(0, 12);
      await l.setOutput(true);
      expect(await l.output()).toBe(true);
      await l.waitSettled();
    });
  });

  it('refuses out-of-range wavelength and power with the range in the message, before sending', async () => {
    await expectProtocol(CREATE, async (s) => {
      const l = await laser(s);
      const err = await l.setWavelength_nm(1650).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidSettingError);
      expect((err as Error).message).toMatch(/wavelength_nm = 1650 refused \(nothing sent\): expected a number within 1480…1640 nm/);
      await expect(l.setPower_dBm(14)).rejects.toThrow(/power_dBm = 14 .*-10…13 dBm/);
      await expect(l.setOutput(1 as unknown as boolean)).rejects.toThrow(/true or false/);
    });
  });

  it('the interlock refusal surfaces as an InstrumentError on the command', async () => {
    await expectProtocol([...CREATE, [':SOUR0:POW:STAT 1', null], ['SYST:ERR?', '-240,"Hardware error;laser interlock is open"'], NO_ERROR, [':LOCK?', '+0']], async (s) => {
      const err = await (await laser(s)).setOutput(true).catch((e: unknown) => e) as InstrumentError;
      expect(err).toBeInstanceOf(InstrumentError);
      expect([err.code, err.command]).toEqual([-240, ':SOUR0:POW:STAT 1']);
    });
  });

  it('stepSweep sets each wavelength, waits for it to settle, then yields it', async () => {
    await expectProtocol([...CREATE,
      ...[1550, 1550.5, 1551].flatMap((nm): Exchange[] => [[`:SOUR0:WAV ${nm}NM`, null], NO_ERROR, ['*OPC?', '1']]),
    ], async (s) => {
      const l = await laser(s);
      const seen: number[] = [];
      for await (const nm of stepSweep(l, { start_nm: 1550, stop_nm: 1551, step_nm: 0.5 })) seen.push(nm);
      expect(seen).toEqual([1550, 1550.5, 1551]);
      await expect(stepSweep(l, { start_nm: 1630, stop_nm: 1650, step_nm: 1 }).next()).rejects.toThrow(/stepSweep = "1630…1650 nm" refused .*within the laser's 1480…1640 nm/);
    });
  });
});

describe('keysight-n777x: continuous sweep', () => {
  it('configures every register, checks, counts triggers, starts, polls and fetches the float64 log (m → nm)', async () => {
    const log_m = [1.52e-6, 1.52001e-6, 1.52002e-6];
    await expectProtocol([...CREATE,
      [':SOUR0:WAV:SWE:MODE CONT', null], NO_ERROR,
      [':SOUR0:WAV:SWE:REP ONEW', null], NO_ERROR,
      [':SOUR0:WAV:SWE:CYCL 1', null], NO_ERROR,
      [':SOUR0:WAV:SWE:STAR 1520NM', null], NO_ERROR,
      [':SOUR0:WAV:SWE:STOP 1580NM', null], NO_ERROR,
      [':SOUR0:WAV:SWE:STEP 0.01NM', null], NO_ERROR,
      [':SOUR0:WAV:SWE:SPE 10NM/S', null], NO_ERROR,
      [':SOUR0:WAV:SWE:LLOG 1', null], NO_ERROR,
      [':TRIG0:OUTP STF', null], NO_ERROR,
      [':SOUR0:WAV:SWE:CHEC?', '0,OK'],
      [':SOUR0:WAV:SWE:EXP?', '+6001'],
      [':SOUR0:POW:UNIT?;:SOUR0:POW?;:SOUR0:WAV:SWE:PMAX? 1520NM,1580NM', '+0;+5.00000000E+00;+1.99526231E-02'],
      [':SOUR0:WAV:SWE STAR', null], NO_ERROR,
      [':SOUR0:WAV:SWE?', '+1'],
      [':SOUR0:WAV:SWE?', '+1'],
      [':SOUR0:WAV:SWE?', '+0'],
      [':SOUR0:READ:DATA? LLOG', floatBlock(log_m, 'float64')],
      [':SOUR0:WAV:SWE:CHEC?', '368,End Wavelength must be greater than Start Wavelength'],
      [':SOUR0:WAV:SWE STOP', null], NO_ERROR,
    ], async (s) => {
      const l = await laser(s);
      await l.configureSweep(SWEEP);
      expect(await l.checkSweep()).toEqual({ ok: true });
      expect(await l.expectedTriggers()).toBe(6001);
      await l.startSweep();
      expect(await l.sweepRunning()).toBe(true);
      await l.waitSweep(10);
      expect(await l.fetchWavelengthLog_nm()).toEqual([1520, 1520.01, 1520.02]);
      expect(await l.checkSweep()).toEqual({ ok: false, code: 368, reason: 'End Wavelength must be greater than Start Wavelength' });
      await l.stopSweep();
    });
  });

  it('refuses a bad sweep before sending any of it', async () => {
    await expectProtocol(CREATE, async (s) => {
      const l = await laser(s);
      await expect(l.configureSweep({ ...SWEEP, stop_nm: 1500 })).rejects.toThrow(/configureSweep.stop_nm = 1500 .*above start_nm/);
      await expect(l.configureSweep({ ...SWEEP, speed_nm_s: 300 })).rejects.toThrow(/sweepSpeed_nm_s = 300 .*0\.5…200 nm\/s/);
      await expect(l.configureSweep({ ...SWEEP, stop_nm: 1700 })).rejects.toThrow(/sweepStop_nm = 1700/);
      await expect(l.configureSweep({ ...SWEEP, step_nm: 0 })).rejects.toThrow(/sweepStep_nm = 0/);
      await expect(l.configureSweep({ ...SWEEP, mode: 'fast' as 'step' })).rejects.toThrow(/continuous, step/);
      await expect(l.configureSweep({ ...SWEEP, triggerOutput: 'never' as 'step' })).rejects.toThrow(/disabled, step, start, stop/);
    });
  });

  it('a garbled sweep-check or log reply is a typed error', async () => {
    await expectProtocol([...CREATE, [':SOUR0:WAV:SWE:CHEC?', 'maybe'], [':SOUR0:READ:DATA? LLOG', '1.5E-6']], async (s) => {
      const l = await laser(s);
      await expect(l.checkSweep()).rejects.toThrow(ReplyFormatError);
      await expect(l.fetchWavelengthLog_nm()).rejects.toThrow(/expected a block/);
    });
  });
});

describe('keysight-n777x: safe()', () => {
  it('stops the sweep, switches the output off and confirms it', async () => {
    await expectProtocol([...CREATE,
      [':SOUR0:WAV:SWE STOP', null], NO_ERROR,
      [':SOUR0:POW:STAT 0', null], NO_ERROR,
      [':SOUR0:POW:STAT?', '+0'],
    ], async (s) => {
      await (await laser(s)).safe();
    });
  });

  it('keeps going when a step fails, then reports every failure (here: the laser says it is still on)', async () => {
    await expectProtocol([...CREATE,
      [':SOUR0:WAV:SWE STOP', null], ['SYST:ERR?', 'noise'],
      [':SOUR0:POW:STAT 0', null], NO_ERROR,
      [':SOUR0:POW:STAT?', '+1'], [':LOCK?', '+0'],
    ], async (s) => {
      const err = await (await laser(s)).safe().catch((e: unknown) => e) as SafeStateError;
      expect(err).toBeInstanceOf(SafeStateError);
      expect(err.failures.map((f) => f.step)).toEqual(['stop the sweep', 'confirm the output is off']);
      expect(err.message).toMatch(/still reports its output on/);
    });
  });
});

describe('keysight-n777x: the laser lock', () => {
  const REFUSED: Exchange[] = [['SYST:ERR?', '-221,"Settings conflict;laser locked"'], NO_ERROR];

  it('setOutput on a locked laser says it is locked and how to unlock it; an unlocked refusal stays an InstrumentError', async () => {
    await expectProtocol([...CREATE,
      [':SOUR0:POW:STAT 1', null], ...REFUSED, [':LOCK?', '+1'],
      [':SOUR0:POW:STAT 0', null], ...REFUSED, [':LOCK?', '+1'],
      [':SOUR0:POW:STAT 1', null], ...REFUSED, [':LOCK?', '+0'],
    ], async (s) => {
      const l = await laser(s);
      await expect(l.setOutput(true)).rejects.toThrow(LaserLockedError);
      await expect(l.setOutput(false)).rejects.toThrow(/cannot switch the output off: the laser is locked \(:LOCK\? answers 1\).*:LOCK 0,<password>/);
      await expect(l.setOutput(true)).rejects.toThrow(InstrumentError);
    });
  });

  it('safe() on a locked laser that stays on names the lock', async () => {
    await expectProtocol([...CREATE,
      [':SOUR0:WAV:SWE STOP', null], NO_ERROR,
      [':SOUR0:POW:STAT 0', null], ...REFUSED,
      [':SOUR0:POW:STAT?', '+1'], [':LOCK?', '+1'],
    ], async (s) => {
      const err = await (await laser(s)).safe().catch((e: unknown) => e) as SafeStateError;
      expect(err).toBeInstanceOf(SafeStateError);
      expect(err.message).toMatch(/the laser is locked/);
    });
  });
});
