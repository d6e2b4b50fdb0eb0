// The Keysight laser's one-command settings, declared. `{slot}` is the source number (0 on N777xC).
import { BOOLEAN, DBM, INTEGER, NM_PER_S_VIA_M_PER_S, NM_VIA_METRES, SECONDS, enumCodec } from '../properties/codecs.ts';
import { control, measurement, setting } from '../properties/property.ts';
import { inRange, integerIn, isBoolean, oneOf, positive } from '../properties/validators.ts';
import type { LaserLimits, SweepMode, TriggerOutput } from '../roles/tunable-laser.ts';

export const SWEEP_MODE = enumCodec<SweepMode>({
  continuous: { send: 'CONT', replies: ['CONT', 'CONTINUOUS'] },
  step: { send: 'STEP', replies: ['STEP', 'STEPPED'] },
});

export const TRIGGER_OUTPUT = enumCodec<TriggerOutput>({
  disabled: { send: 'DIS', replies: ['DIS', 'DISABLED'] },
  step: { send: 'STF', replies: ['STF', 'STFINISHED'] },
  start: { send: 'SWST', replies: ['SWST', 'SWSTARTED'] },
  stop: { send: 'SWF', replies: ['SWF', 'SWFINISHED'] },
});

export const SWEEP_REPEAT = enumCodec<'one-way' | 'two-way'>({
  'one-way': { send: 'ONEW', replies: ['ONEW', 'ONEWAY'] },
  'two-way': { send: 'TWOW', replies: ['TWOW', 'TWOWAY'] },
});

export function laserTable(limits: () => LaserLimits) {
  const wavelength = inRange(() => limits().wavelength_nm, 'nm');
  return {
    wavelength_nm: control({ get: ':SOUR{slot}:WAV?', set: ':SOUR{slot}:WAV {value}', codec: NM_VIA_METRES, validate: wavelength }),
    /** Set with an explicit DBM suffix, so the laser's display unit does not matter; read back via power_dBm(). */
    power_dBm: setting({ set: ':SOUR{slot}:POW {value}', codec: DBM, validate: inRange(() => limits().power_dBm, 'dBm') }),
    output: control({ get: ':SOUR{slot}:POW:STAT?', set: ':SOUR{slot}:POW:STAT {value}', codec: BOOLEAN, validate: isBoolean }),
    sweepMode: control({ get: ':SOUR{slot}:WAV:SWE:MODE?', set: ':SOUR{slot}:WAV:SWE:MODE {value}', codec: SWEEP_MODE, validate: oneOf<SweepMode>(['continuous', 'step']) }),
    sweepStart_nm: control({ get: ':SOUR{slot}:WAV:SWE:STAR?', set: ':SOUR{slot}:WAV:SWE:STAR {value}', codec: NM_VIA_METRES, validate: wavelength }),
    sweepStop_nm: control({ get: ':SOUR{slot}:WAV:SWE:STOP?', set: ':SOUR{slot}:WAV:SWE:STOP {value}', codec: NM_VIA_METRES, validate: wavelength }),
    sweepStep_nm: control({ get: ':SOUR{slot}:WAV:SWE:STEP?', set: ':SOUR{slot}:WAV:SWE:STEP {value}', codec: NM_VIA_METRES, validate: positive('nm') }),
    sweepSpeed_nm_s: control({
      get: ':SOUR{slot}:WAV:SWE:SPE?', set: ':SOUR{slot}:WAV:SWE:SPE {value}', codec: NM_PER_S_VIA_M_PER_S,
      validate: inRange(() => limits().speed_nm_s, 'nm/s'),
    }),
    sweepDwell_s: control({ get: ':SOUR{slot}:WAV:SWE:DWEL?', set: ':SOUR{slot}:WAV:SWE:DWEL {value}', codec: SECONDS, validate: inRange({ min: 0, max: 1000 }, 's') }),
    sweepCycles: control({ get: ':SOUR{slot}:WAV:SWE:CYCL?', set: ':SOUR{slot}:WAV:SWE:CYCL {value}', codec: INTEGER, validate: integerIn(1, 1000) }),
    sweepRepeat: control({
      get: ':SOUR{slot}:WAV:SWE:REP?', set: ':SOUR{slot}:WAV:SWE:REP {value}', codec: SWEEP_REPEAT,
      validate: oneOf<'one-way' | 'two-way'>(['one-way', 'two-way']),
    }),
    lambdaLogging: control({ get: ':SOUR{slot}:WAV:SWE:LLOG?', set: ':SOUR{slot}:WAV:SWE:LLOG {value}', codec: BOOLEAN, validate: isBoolean }),
    triggerOutput: control({
      get: ':TRIG{slot}:OUTP?', set: ':TRIG{slot}:OUTP {value}', codec: TRIGGER_OUTPUT,
      validate: oneOf<TriggerOutput>(['disabled', 'step', 'start', 'stop']),
    }),
    expectedTriggers: measurement({ get: ':SOUR{slot}:WAV:SWE:EXP?', codec: INTEGER }),
    /** 0 stopped, 1 running, 2 paused (N777xC); anything but 0 means the sweep is not over. */
    sweepState: measurement({ get: ':SOUR{slot}:WAV:SWE?', codec: INTEGER }),
  };
}
