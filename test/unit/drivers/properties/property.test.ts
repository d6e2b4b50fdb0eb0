import { describe, expect, it } from 'vitest';
import { ReplyFormatError } from '../../../../drivers/errors.ts';
import {
  BOOLEAN, DBM, GBPS_VIA_HZ, INTEGER, NM_PER_S_VIA_M_PER_S, NM_PLAIN, NM_VIA_METRES, SECONDS, enumCodec,
} from '../../../../drivers/properties/codecs.ts';
import { InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import { bindProperties, control, measurement, setting } from '../../../../drivers/properties/property.ts';
import { fillTemplate } from '../../../../drivers/properties/template.ts';
import { inRange, isBoolean, oneOf } from '../../../../drivers/properties/validators.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';

const table = {
  wavelength_nm: control({
    get: ':SENS{slot}:CHAN{chan}:POW:WAV?', set: ':SENS{slot}:CHAN{chan}:POW:WAV {value}',
    codec: NM_VIA_METRES, validate: inRange({ min: 1250, max: 1650 }, 'nm'),
  }),
  output: control({ get: ':OUTP:STAT?', set: ':OUTP:STAT {value}', codec: BOOLEAN, validate: isBoolean }),
  bits: measurement({ get: ':FETC:SENS{n}:BITS?', codec: INTEGER }),
  power_dBm: setting({ set: ':SOUR0:POW {value}', codec: DBM, validate: inRange({ min: -10, max: 13 }, 'dBm') }),
  mode: control({
    get: ':MODE?', set: ':MODE {value}',
    codec: enumCodec<'time' | 'bits'>({ time: { send: 'TIME', replies: ['TIME'] }, bits: { send: 'BITS', replies: ['BITS', 'BIT'] } }),
    validate: oneOf<'time' | 'bits'>(['time', 'bits']),
  }),
};

describe('property helper: declared settings', () => {
  it('control: set sends the value with its unit and drains the error queue; get converts the reply (m → nm)', async () => {
    await expectProtocol([
      [':SENS2:CHAN1:POW:WAV 1550.25NM', null],
      NO_ERROR,
      [':SENS2:CHAN1:POW:WAV?', '+1.55025000E-06'],
    ], async (session) => {
      const p = bindProperties(session, table);
      await p.wavelength_nm.set(1550.25, { slot: 2, chan: 1 });
      expect(await p.wavelength_nm.get({ slot: 2, chan: 1 })).toBeCloseTo(1550.25, 9);
    });
  });

  it('templates without fields take no address; booleans go out as 1/0 and come back from ON/OFF too', async () => {
    await expectProtocol([
      [':OUTP:STAT 1', null], NO_ERROR,
      [':OUTP:STAT?', 'OFF'],
      [':FETC:SENS1:BITS?', '+1.00000000E+12'],
    ], async (session) => {
      const p = bindProperties(session, table);
      await p.output.set(true);
      expect(await p.output.get()).toBe(false);
      expect(await p.bits.get({ n: 1 })).toBe(1e12);
    });
  });

  it('enumerations send their program text and accept any listed reply, case-insensitively', async () => {
    await expectProtocol([[':MODE BITS', null], NO_ERROR, [':MODE?', 'bit']], async (session) => {
      const p = bindProperties(session, table);
      await p.mode.set('bits');
      expect(await p.mode.get()).toBe('bits');
    });
  });

  it('refuses an out-of-range value before anything is sent, naming the setting, value and range', async () => {
    await expectProtocol([], async (session) => {
      const p = bindProperties(session, table);
      const err = await p.wavelength_nm.set(1700, { slot: 1, chan: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidSettingError);
      expect((err as InvalidSettingError).setting).toBe('wavelength_nm');
      expect((err as Error).message).toMatch(/wavelength_nm = 1700 .*1250…1650 nm/);
      await expect(p.power_dBm.set(Number.NaN)).rejects.toThrow(InvalidSettingError);
      await expect(p.output.set('yes' as unknown as boolean)).rejects.toThrow(/true or false/);
      await expect(p.mode.set('gate' as 'time')).rejects.toThrow(/one of time, bits/);
    });
  });

  it('a garbage reply is a ReplyFormatError naming the command and quoting the reply', async () => {
    await expectProtocol([[':SENS1:CHAN1:POW:WAV?', 'garbage!'], [':MODE?', 'SOMETIMES']], async (session) => {
      const p = bindProperties(session, table);
      const err = await p.wavelength_nm.get({ slot: 1, chan: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplyFormatError);
      expect((err as ReplyFormatError).command).toBe(':SENS1:CHAN1:POW:WAV?');
      expect((err as Error).message).toContain('"garbage!"');
      await expect(p.mode.get()).rejects.toThrow(/one of TIME, BITS, BIT/);
    });
  });

  it('is typed: the address fields come from the templates', async () => {
    await expectProtocol([], async (session) => {
      const p = bindProperties(session, table);
      // @ts-expect-error the wavelength needs { slot, chan }
      expect(() => p.wavelength_nm.command(1550)).toThrow(/needs field 'slot'/);
      // @ts-expect-error a measurement has no set
      expect(p.bits.set).toBeUndefined();
      // @ts-expect-error a setting has no get
      expect(p.power_dBm.get).toBeUndefined();
      expect(p.power_dBm.command(-3.5)).toBe(':SOUR0:POW -3.5DBM');
    });
  });

  it('a set template without {value} is refused when the table is declared', () => {
    expect(() => control({ get: ':A?', set: ':A', codec: BOOLEAN })).toThrow(/no \{value\} field/);
  });
});

describe('codecs: every unit conversion', () => {
  it('nm ↔ m (Keysight), nm plain (Santec), nm/s ↔ m/s', () => {
    expect(NM_VIA_METRES.format(1550)).toBe('1550NM');
    expect(NM_VIA_METRES.parse('+1.55000000E-06')).toBeCloseTo(1550, 9);
    expect(NM_PLAIN.format(1550.1234)).toBe('1550.1234');
    expect(NM_PLAIN.parse('1550.1234')).toBe(1550.1234);
    expect(NM_PER_S_VIA_M_PER_S.format(10)).toBe('10NM/S');
    expect(NM_PER_S_VIA_M_PER_S.parse('+1.00000000E-08')).toBeCloseTo(10, 9);
  });

  it('seconds from µs to s; dBm; Gb/s ↔ Hz', () => {
    expect(SECONDS.format(1e-6)).toBe('0.000001S');
    expect(SECONDS.format(1e-7)).toBe('1E-7S');
    expect(SECONDS.format(10)).toBe('10S');
    expect(SECONDS.parse('+1.00000000E-04')).toBe(1e-4);
    expect(DBM.format(-3)).toBe('-3DBM');
    expect(GBPS_VIA_HZ.format(25.78125)).toBe('25.78125GHZ');
    expect(GBPS_VIA_HZ.parse('+2.57812500E+10')).toBeCloseTo(25.78125, 12);
  });

  it('fills templates and reports a missing field', () => {
    expect(fillTemplate(':SENS{slot}:CHAN{chan}:POW?', { slot: 3, chan: 1 })).toBe(':SENS3:CHAN1:POW?');
    expect(() => fillTemplate(':SENS{slot}:POW?', {})).toThrow(/':SENS\{slot\}:POW\?' needs field 'slot'/);
  });
});
