// 816x mainframes (replayed): modules identified with :SLOT<n>:IDN? (the mainframe's *IDN? names only the
// mainframe), :TRIG:CONF LOOP for module-to-module triggering, and the power checked against
// :WAV:SWE:PMAX? before a sweep starts (on the N777xC too).
import { describe, expect, it } from 'vitest';
import { keysightN774xDescriptor } from '../../../../drivers/instruments/keysight-n774x.ts';
import { keysightN777xDescriptor } from '../../../../drivers/instruments/keysight-n777x.ts';
import type { KeysightN777xLaser } from '../../../../drivers/instruments/keysight-n777x.ts';
import { DriverOptionError, InvalidSettingError } from '../../../../drivers/properties/errors.ts';
import type { SweepConfig } from '../../../../drivers/roles/tunable-laser.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import { NO_ERROR, expectProtocol } from '../../../helpers/protocol-replay.ts';
import type { Exchange } from '../../../helpers/protocol-replay.ts';

const MAINFRAME: Exchange = ['*IDN?', 'Agilent Technologies,8164B,MY48203321,V5.25(72637)'];
const limitsOf = (s: number): Exchange[] => [
  [`:SOUR${s}:WAV? MIN;:SOUR${s}:WAV? MAX;:SOUR${s}:POW:UNIT?;:SOUR${s}:POW? MIN;:SOUR${s}:POW? MAX`, '+1.49500000E-06;+1.64000000E-06;+0;-7.00000000E+00;+7.00000000E+00'],
  [`:SOUR${s}:WAV:SWE:SPE? MIN;:SOUR${s}:WAV:SWE:SPE? MAX`, '+5.00000000E-10;+8.00000000E-08'],
];
const SWEEP: SweepConfig = { start_nm: 1500, stop_nm: 1600, step_nm: 0.01, speed_nm_s: 40, mode: 'continuous', logWavelengths: true, triggerOutput: 'step' };

function laser(session: ScpiSession, options: Record<string, unknown> = {}): Promise<KeysightN777xLaser> {
  return keysightN777xDescriptor.create({ session, role: 'laser', options });
}

function sweepRegisters(s: number, extra: Exchange[] = []): Exchange[] {
  return [
    [`:SOUR${s}:WAV:SWE:MODE CONT`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:REP ONEW`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:CYCL 1`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:STAR 1500NM`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:STOP 1600NM`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:STEP 0.01NM`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:SPE 40NM/S`, null], NO_ERROR,
    [`:SOUR${s}:WAV:SWE:LLOG 1`, null], NO_ERROR,
    ...extra,
  ];
}

describe('816x mainframes: modules by :SLOT<n>:IDN?', () => {
  it('a laser module in an 8164B: its model (not the mainframe) picks the speed table; LOOP when the sweep triggers', async () => {
    await expectProtocol([MAINFRAME, [':SLOT2:IDN?', 'Agilent Technologies,81600B,DE41200123,V4.11'], ...limitsOf(2),
      ...sweepRegisters(2, [[':TRIG2:OUTP STF', null], NO_ERROR, [':TRIG:CONF LOOP', null], NO_ERROR]),
      ...sweepRegisters(2, [[':TRIG2:OUTP DIS', null], NO_ERROR]),
    ], async (s) => {
      const l = await laser(s, { slot: 2 });
      expect([l.model, l.mainframe]).toEqual(['81600B', '8164B']);
      expect(l.limits.speed_nm_s).toEqual({ min: 0.5, max: 80 });
      await l.configureSweep(SWEEP);
      // No trigger output: nothing to loop, the mainframe's trigger configuration is left as it is.
      await l.configureSweep({ ...SWEEP, triggerOutput: 'disabled' });
    });
  });

  it('a standalone N777xC is never sent :TRIG:CONF', async () => {
    await expectProtocol([['*IDN?', 'Keysight Technologies,N7778C,DE1,1.4.2'], ...limitsOf(0),
      ...sweepRegisters(0, [[':TRIG0:OUTP STF', null], NO_ERROR]),
    ], async (s) => {
      const l = await laser(s);
      expect(l.mainframe).toBeNull();
      await l.configureSweep({ ...SWEEP });
    });
  });

  it('an empty slot, or a slot holding another kind of module, is refused naming the slot and the option', async () => {
    await expectProtocol([
      MAINFRAME, [':SLOT0:IDN?', ''],
      MAINFRAME, [':SLOT1:IDN?', 'Agilent Technologies,81634B,DE1,V1.0'],
      MAINFRAME, [':SLOT1:IDN?;:SLOT3:IDN?', 'Agilent Technologies,81634B,DE1,V1.0;Agilent Technologies,81600B,DE2,V4.11'],
    ], async (s) => {
      const empty = await laser(s).catch((e: unknown) => e);
      expect(empty).toBeInstanceOf(DriverOptionError);
      expect((empty as Error).message).toMatch(/option 'slot' names slot 0 of the 8164B .*which is empty .*expected a tunable laser module/);
      await expect(laser(s, { slot: 1 })).rejects.toThrow(/option 'slot' names slot 1 of the 8164B .*holds a 81634B; expected a tunable laser module/);
      await expect(keysightN774xDescriptor.create({ session: s, role: 'meter', options: { channels: ['1.1', '3.1'] } }))
        .rejects.toThrow(/option 'channels' names slot 3 of the 8164B .*holds a 81600B; expected a power sensor module/);
    });
  });
});

describe('the sweep power against :WAV:SWE:PMAX?', () => {
  it('a power above what the laser holds over the sweep is refused before the sweep starts, naming both', async () => {
    await expectProtocol([MAINFRAME, [':SLOT0:IDN?', 'Agilent Technologies,81606A,DE1,V1.0'], ...limitsOf(0),
      ...sweepRegisters(0, [[':TRIG0:OUTP STF', null], NO_ERROR, [':TRIG:CONF LOOP', null], NO_ERROR]),
      // 6 dBm set, 3.98 mW (6.0 dBm) the most over 1500…1600 nm: refused, STAR never sent.
      [':SOUR0:POW:UNIT?;:SOUR0:POW?;:SOUR0:WAV:SWE:PMAX? 1500NM,1600NM', '+0;+6.50000000E+00;+3.98107171E-03'],
      // In W: 1 mW set against the same maximum starts.
      [':SOUR0:POW:UNIT?;:SOUR0:POW?;:SOUR0:WAV:SWE:PMAX? 1500NM,1600NM', '+1;+1.00000000E-03;+3.98107171E-03'],
      [':SOUR0:WAV:SWE STAR', null], NO_ERROR,
    ], async (s) => {
      const l = await laser(s);
      await l.configureSweep(SWEEP);
      const err = await l.startSweep().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidSettingError);
      expect((err as Error).message).toMatch(/power_dBm = 6\.5 refused .*at most 6\.00 dBm, the most the laser holds over the sweep 1500…1600 nm \(:WAV:SWE:PMAX\?\)/);
      await l.startSweep();
    });
  });

  it('a sweep configured elsewhere: its span is read from the laser first', async () => {
    await expectProtocol([['*IDN?', 'Keysight Technologies,N7778C,DE1,1.4.2'], ...limitsOf(0),
      [':SOUR0:WAV:SWE:STAR?;:SOUR0:WAV:SWE:STOP?', '+1.53000000E-06;+1.56500000E-06'],
      [':SOUR0:POW:UNIT?;:SOUR0:POW?;:SOUR0:WAV:SWE:PMAX? 1530NM,1565NM', '+0;+0.00000000E+00;+1.99526231E-02'],
      [':SOUR0:WAV:SWE STAR', null], NO_ERROR,
    ], async (s) => {
      await (await laser(s)).startSweep();
    });
  });
});
