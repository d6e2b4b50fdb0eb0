import { describe, expect, it } from 'vitest';
import { InstrumentError } from '../../../../drivers/errors.ts';
import type { KeysightN776xAttenuator} from '../../../../drivers/instruments/keysight-n776x.ts';
import { keysightN776xDescriptor } from '../../../../drivers/instruments/keysight-n776x.ts';
import { InvalidSettingError, UnsupportedFeatureError } from '../../../../drivers/properties/errors.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const STATE = ':INP1:OFFS?;:OUTP1:POW:CONTR?;:INP1:ATT? MIN;:INP1:ATT? MAX';
const CREATE: Exchange[] = [['*IDN?', 'Keysight Technologies,N7762A,MY53100042,1.32'], [STATE, '+0.00000000E+00;0;+0.00000000E+00;+6.00000000E+01']];

function voa(session: ScpiSession, options: Record<string, unknown> = {}): Promise<KeysightN776xAttenuator> {
  return keysightN776xDescriptor.create({ session, role: 'voa', options });
}

describe('keysight-n776x', () => {
  it('attenuation and offset (dB), calibration wavelength (nm ↔ m), shutter', async () => {
    await expectProtocol([...CREATE,
      [':INP1:ATT 12.5DB', null], NO_ERROR,
      [':INP1:ATT?', '+1.25000000E+01'],
      [':INP1:OFFS 2DB', null], NO_ERROR,
      [':INP1:OFFS?', '+2.00000000E+00'],
      [':INP1:ATT 62DB', null], NO_ERROR,
      [':INP1:WAV 1310NM', null], NO_ERROR,
      [':INP1:WAV?', '+1.31000000E-06'],
      [':OUTP1:STAT 1', null], NO_ERROR,
      [':OUTP1:STAT?', '1'],
    ], async (s) => {
      const v = await voa(s);
      await v.setAttenuation_dB(12.5);
      expect(await v.attenuation_dB()).toBe(12.5);
      await v.setOffset_dB(2);
      expect(await v.offset_dB()).toBe(2);
      // The displayed attenuation includes the offset: 62 dB is 60 dB of filter.
      await v.setAttenuation_dB(62);
      await expect(v.setAttenuation_dB(1)).rejects.toThrow(/attenuation_dB = 1 .*2…62 dB/);
      await v.setWavelength_nm(1310);
      expect(await v.wavelength_nm()).toBe(1310);
      await v.setOutput(true);
      expect(await v.output()).toBe(true);
    });
  });

  it('power-setpoint mode: setpoint then control on; an attenuation setting leaves it first', async () => {
    await expectProtocol([...CREATE,
      [':OUTP1:POW -20DBM', null], NO_ERROR,
      [':OUTP1:POW:CONTR 1', null], NO_ERROR,
      [':OUTP1:POW:UNIT?;:READ1:POW?', '+0;-2.00100000E+01'],
      [':OUTP1:POW:UNIT?;:READ1:POW?', '+1;+1.00000000E-05'],
      [':OUTP1:POW:UNIT?;:READ1:POW?', '+0;-2.00000000E+02'],
      [':OUTP1:POW:CONTR 0', null], NO_ERROR,
      [':INP1:ATT 5DB', null], NO_ERROR,
      [':INP1:ATT 6DB', null], NO_ERROR,
    ], async (s) => {
      const v = await voa(s);
      expect(v.hasPowerControl).toBe(true);
      await v.setOutputPower_dBm(-20);
      expect(await v.outputPower_dBm()).toBe(-20.01);
      expect(await v.outputPower_dBm()).toBeCloseTo(-20, 9);
      expect(await v.outputPower_dBm()).toBe(-Infinity);
      await v.setAttenuation_dB(5);
      await v.setAttenuation_dB(6);
    });
  });

  it('a model without a monitor refuses power-setpoint mode clearly, sending nothing', async () => {
    await expectProtocol([['*IDN?', 'Agilent Technologies,81570A,X,1'], [':INP1:OFFS?;:INP1:ATT? MIN;:INP1:ATT? MAX', '+0.0E+00;+0.0E+00;+6.0E+01']], async (s) => {
      const v = await voa(s);
      expect(v.hasPowerControl).toBe(false);
      const err = await v.setOutputPower_dBm(-10).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedFeatureError);
      expect((err as Error).message).toMatch(/setOutputPower_dBm is not available on 81570A .*no output power monitor/);
      await expect(v.outputPower_dBm()).rejects.toThrow(UnsupportedFeatureError);
    });
  });

  it('channel option addresses INP2/OUTP2; validation before sending; instrument errors typed', async () => {
    await expectProtocol([['*IDN?', 'Keysight Technologies,N7764A,X,1'], [':INP2:OFFS?;:OUTP2:POW:CONTR?;:INP2:ATT? MIN;:INP2:ATT? MAX', '+0.0E+00;1;+0.0E+00;+6.0E+01'],
      [':INP2:WAV 1630NM', null], ['SYST:ERR?', '-222,"Data out of range"'], NO_ERROR,
    ], async (s) => {
      const v = await voa(s, { channel: 2 });
      await expect(v.setOutputPower_dBm(30)).rejects.toThrow(/powerSetpoint_dBm = 30 .*-60…20 dBm/);
      await expect(v.setOffset_dB(300)).rejects.toThrow(InvalidSettingError);
      await expect(v.setWavelength_nm(1000)).rejects.toThrow(/1260…1640 nm/);
      // A refused attenuation does not touch power control (which was on).
      await expect(v.setAttenuation_dB(70)).rejects.toThrow(/0…60 dB/);
      // Within the family's range, but this module's filter stops short: the instrument says so.
      const err = await v.setWavelength_nm(1630).catch((e: unknown) => e) as InstrumentError;
      expect(err).toBeInstanceOf(InstrumentError);
      expect([err.code, err.command]).toEqual([-222, ':INP2:WAV 1630NM']);
    });
  });

  it('the attenuation range is the one the VOA reports (with its offset), and moves with a new offset', async () => {
    await expectProtocol([['*IDN?', 'Keysight Technologies,N7762A,X,1'], [STATE, '+3.00000000E+00;0;+3.00000000E+00;+4.80000000E+01'],
      [':INP1:ATT 48DB', null], NO_ERROR,
      [':INP1:OFFS -2DB', null], NO_ERROR,
      [':INP1:ATT 43DB', null], NO_ERROR,
    ], async (s) => {
      // An offset of 3 dB and a filter of 45 dB: 3…48 dB displayed.
      const v = await voa(s);
      expect(v.attenuationRange_dB).toEqual({ min: 3, max: 48 });
      await v.setAttenuation_dB(48);
      await expect(v.setAttenuation_dB(49)).rejects.toThrow(/attenuation_dB = 49 .*3…48 dB/);
      await v.setOffset_dB(-2);
      expect(v.attenuationRange_dB).toEqual({ min: -2, max: 43 });
      await v.setAttenuation_dB(43);
      await expect(v.setAttenuation_dB(44)).rejects.toThrow(/-2…43 dB/);
    });
  });

  it('firmware that does not answer INP:ATT? MIN|MAX is asked again without it and gets the family\'s 60 dB', async () => {
    await expectProtocol([['*IDN?', 'Keysight Technologies,N7762A,X,1'],
      [STATE, '+1.00000000E+00;1'], ['SYST:ERR?', '-224,"Illegal parameter value"'], NO_ERROR,
      [':INP1:OFFS?;:OUTP1:POW:CONTR?', '+1.00000000E+00;1'],
      ['*IDN?', 'Keysight Technologies,N7762A,X,1'], [STATE, '+0.0E+00;0;low;high'],
    ], async (s) => {
      const v = await voa(s);
      expect(v.attenuationRange_dB).toEqual({ min: 1, max: 61 });
      // Answered, but not with numbers: that is an error, not old firmware.
      await expect(voa(s)).rejects.toThrow(/INP1:ATT\? MIN.*"low"/);
    });
  });

  it('safe() leaves the attenuator as it is; auto-detection by *IDN?', async () => {
    await expectProtocol(CREATE, async (s) => {
      await (await voa(s)).safe();
    });
    expect(keysightN776xDescriptor.matchesIdentity('Keysight Technologies,N7762A,MY53100042,1.32')).toBe(true);
    expect(keysightN776xDescriptor.matchesIdentity('Agilent Technologies,81566A,1,1')).toBe(true);
    expect(keysightN776xDescriptor.matchesIdentity('Keysight Technologies,N7744A,1,1')).toBe(false);
  });
});
