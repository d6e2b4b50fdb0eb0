import { describe, expect, it } from 'vitest';
import { BlockFormatError, InstrumentError, ReplyFormatError } from '../../../../drivers/errors.ts';
import { decodeSantecLog_nm } from '../../../../drivers/instruments/santec-tsl-log.ts';
import { checkSantecSweep, santecTslDescriptor, triggerGrid_nm } from '../../../../drivers/instruments/santec-tsl.ts';
import type { SantecSweepRegisters , SantecTslLaser} from '../../../../drivers/instruments/santec-tsl.ts';
import { DriverOptionError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import type { SweepConfig } from '../../../../drivers/roles/tunable-laser.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { encodeDefiniteBlock } from '../../../../drivers/scpi/index.ts';
import { NO_ERROR, expectProtocol, replaySession } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'SANTEC,TSL-570,21060017,0003.0012'];
const MODE: Exchange = [':SYST:COMM:COD?', '0'];
const UNIT: Exchange = [':WAV:UNIT?', '0'];
const LIMITS_QUERY = ':WAV:MIN?;:WAV:MAX?;:POW:UNIT?;:POW:LEV:MIN?;:POW:LEV:MAX?';
const LIMITS: Exchange = [LIMITS_QUERY, '1480.0000;1640.0000;0;-15.000;13.000'];
const CREATE: Exchange[] = [IDN, MODE, UNIT, LIMITS];
const REGISTERS = ':WAV:UNIT?;:WAV:SWE:MOD?;:WAV:SWE:STAR?;:WAV:SWE:STOP?;:WAV:SWE:STEP?;:WAV:SWE:SPE?;:TRIG:OUTP?;:TRIG:OUTP:STEP?;:WAV:SWE:CYCL?';
const C_L_BAND = { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } };

/** `:READout:DATa?` as the TSL sends it: int32 little-endian in 0.1 pm, in a definite block. */
function logBlock(nm: readonly number[]): Uint8Array {
  const payload = Buffer.alloc(4 * nm.length);
  nm.forEach((v, i) => payload.writeInt32LE(Math.round(v * 1e4), 4 * i));
  return Buffer.concat([encodeDefiniteBlock(payload), Buffer.from('\n')]);
}

function laser(session: ScpiSession, options: Record<string, unknown> = {}): Promise<SantecTslLaser> {
  return santecTslDescriptor.create({ session, role: 'laser', options });
}

const SWEEP: SweepConfig = { start_nm: 1540, stop_nm: 1560, step_nm: 0.1, speed_nm_s: 20, mode: 'continuous', logWavelengths: false, triggerOutput: 'step' };
const REGS: SantecSweepRegisters = { mode: 1, start_nm: 1540, stop_nm: 1560, step_nm: 1, speed_nm_s: 20, trigger: 'step', triggerStep_nm: 0.1, cycles: 1 };

describe('santec-tsl: limits', () => {
  it('asks the laser for its limits (power in dBm or mW); its band needs no bench option; the bench file narrows them', async () => {
    await expectProtocol([...CREATE,
      IDN, MODE, UNIT, [LIMITS_QUERY, '1260.0000;1360.0000;1;0.0316;10.0000'],
      ...CREATE,
    ], async (s) => {
      expect((await laser(s)).limits).toEqual(C_L_BAND);
      // An O-band unit says so itself; 0.0316 mW is -15.00 dBm to the 0.01 dB the reply resolves.
      expect((await laser(s)).limits).toEqual({ wavelength_nm: { min: 1260, max: 1360 }, power_dBm: { min: -15, max: 10 }, speed_nm_s: { min: 1, max: 200 } });
      expect((await laser(s, { wavelengthRange_nm: [1500, 1700], powerRange_dBm: [-20, 5] })).limits).toEqual({
        wavelength_nm: { min: 1500, max: 1640 }, power_dBm: { min: -15, max: 5 }, speed_nm_s: { min: 1, max: 200 },
      });
    });
    expect(santecTslDescriptor.matchesIdentity('SANTEC,TSL-570,1,1')).toBe(true);
    expect(santecTslDescriptor.matchesIdentity('Keysight Technologies,N7778C,1,1')).toBe(false);
  });

  it('a bench-file range outside what the laser reports is refused', async () => {
    await expectProtocol([...CREATE], async (s) => {
      await expect(laser(s, { wavelengthRange_nm: [1260, 1360] })).rejects.toThrow(
        "driver 'santec-tsl': option 'wavelengthRange_nm' [1260, 1360] nm lies outside the laser's own 1480…1640 nm");
    });
  });

  it('older firmware that answers no limit queries: the model table (another band from the bench file)', async () => {
    const refused: Exchange[] = [[LIMITS_QUERY, '+0'], ['SYST:ERR?', '-113,"Undefined header"'], NO_ERROR];
    await expectProtocol([
      IDN, MODE, UNIT, ...refused,
      IDN, MODE, UNIT, [LIMITS_QUERY, 'garbage'], NO_ERROR,
      IDN, MODE, UNIT, ...refused,
      ['*IDN?', 'SANTEC,TSL-999,1,1'], MODE, UNIT, ...refused,
      ['*IDN?', 'SANTEC,TSL-999,1,1'], MODE, UNIT, [LIMITS_QUERY, '1260.0000;1360.0000;0;-10.000;8.000'],
    ], async (s) => {
      expect((await laser(s)).limits).toEqual(C_L_BAND);
      expect((await laser(s)).limits).toEqual(C_L_BAND);
      expect((await laser(s, { wavelengthRange_nm: [1260, 1360] })).limits.wavelength_nm).toEqual({ min: 1260, max: 1360 });
      // A model the table does not know: the bench file must say, unless the laser does.
      await expect(laser(s)).rejects.toThrow(DriverOptionError);
      expect((await laser(s)).limits).toEqual({ wavelength_nm: { min: 1260, max: 1360 }, power_dBm: { min: -10, max: 8 }, speed_nm_s: { min: 1, max: 100 } });
    });
  });

  it('limits answered, but not as numbers: an error naming the query, not a silent fallback', async () => {
    await expectProtocol([IDN, MODE, UNIT, [LIMITS_QUERY, '1480.0000;1640.0000;0;low;high']], async (s) => {
      await expect(laser(s)).rejects.toThrow(ReplyFormatError);
    });
  });

  it('a laser left showing THz is put back to nm before its limits are read', async () => {
    await expectProtocol([IDN, MODE, [':WAV:UNIT?', '1'], [':WAV:UNIT 0', null], NO_ERROR, LIMITS], async (s) => {
      expect((await laser(s)).limits).toEqual(C_L_BAND);
    });
  });
});

describe('santec-tsl: wavelength, power, output', () => {
  it('nm both ways; power sent in the display unit (dBm or mW) and read back in dBm', async () => {
    await expectProtocol([...CREATE,
      [':WAV 1550.1234', null], NO_ERROR,
      [':WAV:UNIT?;:WAV?', '0;1550.1234'],
      [':POW:UNIT?', '0'], [':POW 2', null], NO_ERROR,
      [':POW:UNIT?', '1'], [':POW 1.58489', null], NO_ERROR,
      [':POW:UNIT?;:POW?', '0;2.000'],
      [':POW:UNIT?;:POW?', '1;10.0000'],
    ], async (s) => {
      const l = await laser(s);
      await l.setWavelength_nm(1550.1234);
      expect(await l.wavelength_nm()).toBe(1550.1234);
      await l.setPower_dBm(2);
      await l.setPower_dBm(2);
      expect(await l.power_dBm()).toBe(2);
      expect(await l.power_dBm()).toBeCloseTo(10, 12);
    });
  });

  it('a wavelength read while the laser shows THz (front panel) sets nm again and reads again', async () => {
    await expectProtocol([...CREATE,
      [':WAV:UNIT?;:WAV?', '1;193.41449'], [':WAV:UNIT 0', null], NO_ERROR, [':WAV?', '1550.0000'],
      [':WAV:UNIT?;:WAV?', '2;1550.0000'],
    ], async (s) => {
      const l = await laser(s);
      expect(await l.wavelength_nm()).toBe(1550);
      await expect(l.wavelength_nm()).rejects.toThrow(/:WAV:UNIT\?;:WAV\?.*"2".*one of 0, 1/);
    });
  });

  it('output on = diode on (when off) + shutter open; off = shutter closed; output() needs both', async () => {
    await expectProtocol([...CREATE,
      // The LD's warm-up: *OPC? answers 0 while busy (polled), then 1.
      [':POW:STAT?', '0'], [':POW:STAT 1', null], NO_ERROR, ['*OPC?', '0'], ['*OPC?', '0'], ['*OPC?', '1'], [':POW:SHUT 0', null], NO_ERROR,
      [':POW:STAT?', '1'], [':POW:SHUT 0', null], NO_ERROR,
      [':POW:STAT?;:POW:SHUT?', '1;0'],
      [':POW:SHUT 1', null], NO_ERROR,
      [':POW:STAT?;:POW:SHUT?', '1;1'],
    ], async (s) => {
      const l = await laser(s);
      await l.setOutput(true);
      await l.setOutput(true);
      expect(await l.output()).toBe(true);
      await l.setOutput(false);
      expect(await l.output()).toBe(false);
    });
  });

  it('refuses out-of-range wavelength and power before anything is sent', async () => {
    await expectProtocol(CREATE, async (s) => {
      const l = await laser(s);
      await expect(l.setWavelength_nm(1470)).rejects.toThrow(/1480…1640 nm/);
      await expect(l.setPower_dBm(-16)).rejects.toThrow(InvalidSettingError);
      await expect(l.setOutput('on' as unknown as boolean)).rejects.toThrow(/output = "on"/);
    });
  });
});

describe('santec-tsl: sweeps', () => {
  it('configures mode/start/stop/step/trigger step/speed/cycles/trigger, checks from the read-back registers, runs', async () => {
    await expectProtocol([...CREATE,
      [':WAV:SWE:MOD 1', null], NO_ERROR,
      [':WAV:SWE:STAR 1540', null], NO_ERROR,
      [':WAV:SWE:STOP 1560', null], NO_ERROR,
      [':WAV:SWE:STEP 0.1', null], NO_ERROR,
      [':TRIG:OUTP:STEP 0.1', null], NO_ERROR,
      [':WAV:SWE:SPE 20', null], NO_ERROR,
      [':WAV:SWE:CYCL 1', null], NO_ERROR,
      [':TRIG:OUTP 3', null], NO_ERROR,
      [REGISTERS, '0;1;1540.0000;1560.0000;0.1000;20.000;3;0.1000;1'],
      [REGISTERS, '0;1;1540.0000;1560.0000;0.1000;20.000;3;0.1000;1'],
      [':WAV:SWE 1', null], NO_ERROR,
      [':WAV:SWE?', '4'], [':WAV:SWE?', '1'], [':WAV:SWE?', '0'],
      [':READout:POINts?', '4'], [':READout:DATa?', logBlock([1540.0001, 1540.1002, 1540.1999, 1540.3004])],
      [':WAV:SWE 0', null], NO_ERROR,
    ], async (s) => {
      const l = await laser(s);
      await l.configureSweep(SWEEP);
      expect(await l.checkSweep()).toEqual({ ok: true });
      expect(await l.expectedTriggers()).toBe(201);
      await l.startSweep();
      expect(await l.sweepRunning()).toBe(true);
      await l.waitSweep(5);
      // What the laser measured at each trigger, not the nominal grid.
      expect(await l.fetchWavelengthLog_nm()).toEqual([1540.0001, 1540.1002, 1540.1999, 1540.3004]);
      await l.stopSweep();
    });
  });

  it('checkSweep explains what is wrong; the trigger grid follows mode, trigger and cycles', () => {
    const limits = { wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } };
    expect(triggerGrid_nm({ ...REGS, stop_nm: 1540.2 })).toEqual([1540, 1540.1, 1540.2]);
    expect(triggerGrid_nm({ ...REGS, stop_nm: 1540.2, mode: 3 })).toEqual([1540, 1540.1, 1540.2, 1540.2, 1540.1, 1540]);
    expect(triggerGrid_nm({ ...REGS, stop_nm: 1542, mode: 0, cycles: 2 })).toEqual([1540, 1541, 1542, 1540, 1541, 1542]);
    expect(triggerGrid_nm({ ...REGS, trigger: 'disabled' })).toEqual([]);
    expect(triggerGrid_nm({ ...REGS, trigger: 'stop' })).toEqual([1560]);
    const check = (r: Partial<SantecSweepRegisters>) => checkSantecSweep({ ...REGS, ...r }, limits);
    expect(check({})).toEqual({ ok: true });
    expect(check({ stop_nm: 1530 })).toMatchObject({ ok: false, code: null, reason: expect.stringMatching(/must be above start/) });
    expect(check({ triggerStep_nm: 30 })).toMatchObject({ ok: false, reason: expect.stringMatching(/no larger than the span/) });
    expect(check({ speed_nm_s: 500 })).toMatchObject({ ok: false, reason: expect.stringMatching(/one of 1, 2, 5, 10, 20, 50, 100, 200 nm\/s/) });
    // The TSL sweeps at a fixed set of speeds: 7 nm/s lies inside the range but is not one of them.
    expect(check({ speed_nm_s: 7 })).toMatchObject({ ok: false, reason: expect.stringMatching(/speed 7 nm\/s: expected one of 1, 2, 5/) });
    expect(check({ stop_nm: 1700 })).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the laser's/) });
  });

  it('the wavelength log: none logged is [] (no data asked for); a block that disagrees with the count is refused', async () => {
    await expectProtocol([...CREATE,
      [':READout:POINts?', '0'],
      [':READout:POINts?', '3'], [':READout:DATa?', logBlock([1550, 1550.1])],
      [':READout:POINts?', '1'], [':READout:DATa?', Buffer.concat([encodeDefiniteBlock(Buffer.from([1, 2, 3])), Buffer.from('\n')])],
    ], async (s) => {
      const l = await laser(s);
      expect(await l.fetchWavelengthLog_nm()).toEqual([]);
      await expect(l.fetchWavelengthLog_nm()).rejects.toThrow(/:READout:DATa\?.*2 wavelength points, but :READout:POINts\? said 3/);
      const odd = await l.fetchWavelengthLog_nm().catch((e: unknown) => e);
      expect(odd).toBeInstanceOf(BlockFormatError);
      expect(String(odd)).toMatch(/3 bytes are not a whole number of 4-byte wavelength points/);
    });
    // 0.1 pm per count, negative counts as int32 (signed), exact to 0.1 pm.
    const bytes = Buffer.alloc(8);
    bytes.writeInt32LE(15_501_234, 0);
    bytes.writeInt32LE(-1, 4);
    expect(decodeSantecLog_nm(bytes)).toEqual([1550.1234, -0.0001]);
  });

  it('an instrument error from a sweep command is typed', async () => {
    await expectProtocol([...CREATE, [':WAV:SWE 1', null], ['SYST:ERR?', '-221,"Settings conflict"'], NO_ERROR], async (s) => {
      const err = await (await laser(s)).startSweep().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InstrumentError);
      expect((err as InstrumentError).code).toBe(-221);
    });
  });

  it('refuses a bad sweep before sending any of it', async () => {
    await expectProtocol(CREATE, async (s) => {
      const l = await laser(s);
      await expect(l.configureSweep({ ...SWEEP, start_nm: 1570 })).rejects.toThrow(/above start_nm/);
      await expect(l.configureSweep({ ...SWEEP, speed_nm_s: 0.5 })).rejects.toThrow(/sweepSpeed_nm_s = 0\.5/);
      await expect(l.configureSweep({ ...SWEEP, mode: 'swoosh' as 'step' })).rejects.toThrow(/continuous or step/);
    });
  });

  it('safe() stops the sweep, closes the shutter and confirms no light', async () => {
    await expectProtocol([...CREATE,
      [':WAV:SWE 0', null], NO_ERROR, [':POW:SHUT 1', null], NO_ERROR, [':POW:STAT?;:POW:SHUT?', '1;1'],
    ], async (s) => {
      await (await laser(s)).safe();
    });
  });
});

describe('santec-tsl: command mode, *OPC? polling, sweep speeds, alerts (the TSL-570 dialogue)', () => {
  it('a laser left in SCPI mode (bare numbers in metres) is put in Legacy mode at open', async () => {
    await expectProtocol([IDN, [':SYST:COMM:COD?', '1'], [':SYST:COMM:COD 0', null], NO_ERROR, UNIT, LIMITS], async (s) => {
      expect((await laser(s)).limits).toEqual(C_L_BAND);
    });
  });

  it('firmware without the mode switch (no reply to the query) speaks Legacy; a reply that is no mode is an error', async () => {
    await expectProtocol([IDN, [':SYST:COMM:COD?', null], ['SYST:ERR?;*OPC?', '-113,"Undefined header";1'], ['SYST:ERR?;*OPC?', '+0,"No error";1'], ['*CLS', null], UNIT, LIMITS,
      IDN, [':SYST:COMM:COD?', '2']], async (s) => {
      expect((await laser(s)).limits).toEqual(C_L_BAND);
      await expect(laser(s)).rejects.toThrow(/':SYST:COMM:COD\?'.*"2"; expected '0' \(Legacy\) or '1' \(SCPI\)/);
    }, { checkErrors: false });
  });

  it('waitSettled polls *OPC? (0 while busy) instead of waiting on one reply; a busy laser past the limit is a timeout', async () => {
    await expectProtocol([...CREATE, ['*OPC?', '0'], ['*OPC?', '1'], ['*OPC?', 'x']], async (s) => {
      const l = await laser(s);
      await l.waitSettled(5);
      await expect(l.waitSettled(5)).rejects.toThrow(/'\*OPC\?'.*"x"; expected '0' \(busy\) or '1' \(done\)/);
    });
    // A laser that stays busy: how many polls fit in the limit depends on timing, so no exact script.
    const { session } = replaySession([...CREATE, ...Array.from({ length: 40 }, (): Exchange => ['*OPC?', '0'])]);
    try {
      const l = await laser(session);
      await expect(l.waitSettled(0.3)).rejects.toThrow(/tuning did not finish within 0.3 s/);
    } finally {
      await session.close();
    }
  });

  it('a sweep speed outside the fixed set is refused before anything is sent', async () => {
    await expectProtocol(CREATE, async (s) => {
      const l = await laser(s);
      await expect(l.configureSweep({ ...SWEEP, speed_nm_s: 15 })).rejects.toThrow(/sweepSpeed_nm_s = 15.*one of 1, 2, 5, 10, 20, 50, 100, 200 nm\/s/);
    });
  });

  it('alerts are read one per query until "No alerts."', async () => {
    await expectProtocol([...CREATE, [':SYST:ALER?', 'No23.,Ongoing Warm up'], [':SYST:ALER?', 'No07.,Inter lock detection'],
      [':SYST:ALER?', 'No alerts.'], [':SYST:ALER?', 'No alerts.']], async (s) => {
      const l = await laser(s);
      expect(await l.alerts()).toEqual(['No23.,Ongoing Warm up', 'No07.,Inter lock detection']);
      expect(await l.alerts()).toEqual([]);
    });
  });
});
