import { describe, expect, it } from 'vitest';
import { checkSantecSweep, santecTslDescriptor, triggerGrid_nm } from '../../../../drivers/instruments/santec-tsl.ts';
import type { SantecSweepRegisters , SantecTslLaser} from '../../../../drivers/instruments/santec-tsl.ts';
import { DriverOptionError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import type { SweepConfig } from '../../../../drivers/roles/tunable-laser.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const IDN: Exchange = ['*IDN?', 'SANTEC,TSL-570,21060017,0003.0012'];
const REGISTERS = ':WAV:SWE:MOD?;:WAV:SWE:STAR?;:WAV:SWE:STOP?;:WAV:SWE:STEP?;:WAV:SWE:SPE?;:TRIG:OUTP?;:TRIG:OUTP:STEP?;:WAV:SWE:CYCL?';

function laser(session: ScpiSession, options: Record<string, unknown> = {}): Promise<SantecTslLaser> {
  return santecTslDescriptor.create({ session, role: 'laser', options });
}

const SWEEP: SweepConfig = { start_nm: 1540, stop_nm: 1560, step_nm: 0.1, speed_nm_s: 20, mode: 'continuous', logWavelengths: false, triggerOutput: 'step' };
const REGS: SantecSweepRegisters = { mode: 1, start_nm: 1540, stop_nm: 1560, step_nm: 1, speed_nm_s: 20, trigger: 'step', triggerStep_nm: 0.1, cycles: 1 };

describe('santec-tsl: model limits', () => {
  it('knows the TSL-570 C+L unit; another band comes from the bench file; an unknown model needs both ranges', async () => {
    await expectProtocol([IDN, IDN, ['*IDN?', 'SANTEC,TSL-999,1,1']], async (s) => {
      expect((await laser(s)).limits).toEqual({ wavelength_nm: { min: 1480, max: 1640 }, power_dBm: { min: -15, max: 13 }, speed_nm_s: { min: 1, max: 200 } });
      expect((await laser(s, { wavelengthRange_nm: [1260, 1360] })).limits.wavelength_nm).toEqual({ min: 1260, max: 1360 });
      await expect(laser(s)).rejects.toThrow(DriverOptionError);
    });
    expect(santecTslDescriptor.matchesIdentity('SANTEC,TSL-570,1,1')).toBe(true);
    expect(santecTslDescriptor.matchesIdentity('Keysight Technologies,N7778C,1,1')).toBe(false);
  });
});

describe('santec-tsl: wavelength, power, output', () => {
  it('nm both ways; power sent in the display unit (dBm or mW) and read back in dBm', async () => {
    await expectProtocol([IDN,
      [':WAV 1550.1234', null], NO_ERROR,
      [':WAV?', '1550.1234'],
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

  it('output on = diode on (when off) + shutter open; off = shutter closed; output() needs both', async () => {
    await expectProtocol([IDN,
      [':POW:STAT?', '0'], [':POW:STAT 1', null], NO_ERROR, [':POW:SHUT 0', null], NO_ERROR,
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
    await expectProtocol([IDN], async (s) => {
      const l = await laser(s);
      await expect(l.setWavelength_nm(1470)).rejects.toThrow(/1480…1640 nm/);
      await expect(l.setPower_dBm(-16)).rejects.toThrow(InvalidSettingError);
      await expect(l.setOutput('on' as unknown as boolean)).rejects.toThrow(/output = "on"/);
    });
  });
});

describe('santec-tsl: sweeps', () => {
  it('configures mode/start/stop/step/trigger step/speed/cycles/trigger, checks from the read-back registers, runs', async () => {
    await expectProtocol([IDN,
      [':WAV:SWE:MOD 1', null], NO_ERROR,
      [':WAV:SWE:STAR 1540', null], NO_ERROR,
      [':WAV:SWE:STOP 1560', null], NO_ERROR,
      [':WAV:SWE:STEP 0.1', null], NO_ERROR,
      [':TRIG:OUTP:STEP 0.1', null], NO_ERROR,
      [':WAV:SWE:SPE 20', null], NO_ERROR,
      [':WAV:SWE:CYCL 1', null], NO_ERROR,
      [':TRIG:OUTP 3', null], NO_ERROR,
      [REGISTERS, '1;1540.0000;1560.0000;0.1000;20.000;3;0.1000;1'],
      [REGISTERS, '1;1540.0000;1560.0000;0.1000;20.000;3;0.1000;1'],
      [':WAV:SWE 1', null], NO_ERROR,
      [':WAV:SWE?', '4'], [':WAV:SWE?', '1'], [':WAV:SWE?', '0'],
      [REGISTERS, '1;1540.0000;1540.3000;0.1000;20.000;3;0.1000;1'],
      [':WAV:SWE 0', null], NO_ERROR,
    ], async (s) => {
      const l = await laser(s);
      await l.configureSweep(SWEEP);
      expect(await l.checkSweep()).toEqual({ ok: true });
      expect(await l.expectedTriggers()).toBe(201);
      await l.startSweep();
      expect(await l.sweepRunning()).toBe(true);
      await l.waitSweep(5);
      expect(await l.fetchWavelengthLog_nm()).toEqual([1540, 1540.1, 1540.2, 1540.3]);
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
    expect(check({ speed_nm_s: 500 })).toMatchObject({ ok: false, reason: expect.stringMatching(/1…200 nm\/s/) });
    expect(check({ stop_nm: 1700 })).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the laser's/) });
  });

  it('refuses a bad sweep before sending any of it', async () => {
    await expectProtocol([IDN], async (s) => {
      const l = await laser(s);
      await expect(l.configureSweep({ ...SWEEP, start_nm: 1570 })).rejects.toThrow(/above start_nm/);
      await expect(l.configureSweep({ ...SWEEP, speed_nm_s: 0.5 })).rejects.toThrow(/sweepSpeed_nm_s = 0\.5/);
      await expect(l.configureSweep({ ...SWEEP, mode: 'swoosh' as 'step' })).rejects.toThrow(/continuous or step/);
    });
  });

  it('safe() stops the sweep, closes the shutter and confirms no light', async () => {
    await expectProtocol([IDN,
      [':WAV:SWE 0', null], NO_ERROR, [':POW:SHUT 1', null], NO_ERROR, [':POW:STAT?;:POW:SHUT?', '1;1'],
    ], async (s) => {
      await (await laser(s)).safe();
    });
  });
});
