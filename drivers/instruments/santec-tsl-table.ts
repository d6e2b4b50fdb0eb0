// The Santec TSL's one-command settings, declared. Wavelengths are plain nm (`:WAV:UNIT 0`, which the driver
// makes sure of: santec-tsl-limits.ts), powers plain numbers in the unit `:POW:UNIT` selects (0 dBm, 1 mW).
import { BOOLEAN, INTEGER, NM_PLAIN, PLAIN_NUMBER, enumCodec } from '../properties/codecs.ts';
import { control, measurement } from '../properties/property.ts';
import { inRange, integerIn, isBoolean, oneOf, positive } from '../properties/validators.ts';
import type { Range, Validator } from '../properties/validators.ts';
import type { LaserLimits, TriggerOutput } from '../roles/tunable-laser.ts';

export const SANTEC_POWER_UNIT = enumCodec<'dBm' | 'mW'>({
  dBm: { send: '0', replies: ['0'] },
  mW: { send: '1', replies: ['1'] },
});

/** `:WAV:UNIT 0|1`: wavelengths shown (and, on some firmware, queried) in nm or THz. */
export const SANTEC_WAVELENGTH_UNIT = enumCodec<'nm' | 'THz'>({
  nm: { send: '0', replies: ['0'] },
  THz: { send: '1', replies: ['1'] },
});

/** `:TRIG:OUTP 0-3`: none, at the sweep's stop, at its start, every trigger step. */
export const SANTEC_TRIGGER_OUTPUT = enumCodec<TriggerOutput>({
  disabled: { send: '0', replies: ['0'] },
  stop: { send: '1', replies: ['1'] },
  start: { send: '2', replies: ['2'] },
  step: { send: '3', replies: ['3'] },
});

/** `:WAV:SWE:MOD`: 0 step one-way, 1 continuous one-way, 2 step two-way, 3 continuous two-way. */
export const SANTEC_MODE = { step: 0, continuous: 1 } as const;

/** The TSL's continuous-sweep speeds, nm/s: a fixed set, not a range (QMI's TSL-570 `VALID_SPEED_VALUES`). */
export const SANTEC_SWEEP_SPEEDS_NM_S = [1, 2, 5, 10, 20, 50, 100, 200] as const;

/** One of the fixed speeds, up to the model's maximum. */
export function santecSpeed(range: () => Range): Validator<number> {
  return (value) => {
    const { min, max } = range();
    const allowed = SANTEC_SWEEP_SPEEDS_NM_S.filter((v) => v >= min && v <= max);
    return allowed.includes(value as (typeof allowed)[number]) ? null : `one of ${allowed.join(', ')} nm/s (the TSL sweeps at these speeds only)`;
  };
}

export function santecTable(limits: () => LaserLimits) {
  const wavelength = inRange(() => limits().wavelength_nm, 'nm');
  return {
    wavelength_nm: control({ get: ':WAV?', set: ':WAV {value}', codec: NM_PLAIN, validate: wavelength }),
    /** The laser diode; light also needs the shutter open. */
    diodeOn: control({ get: ':POW:STAT?', set: ':POW:STAT {value}', codec: BOOLEAN, validate: isBoolean }),
    shutterClosed: control({ get: ':POW:SHUT?', set: ':POW:SHUT {value}', codec: BOOLEAN, validate: isBoolean }),
    powerUnit: control({ get: ':POW:UNIT?', set: ':POW:UNIT {value}', codec: SANTEC_POWER_UNIT, validate: oneOf<'dBm' | 'mW'>(['dBm', 'mW']) }),
    sweepMode: control({ get: ':WAV:SWE:MOD?', set: ':WAV:SWE:MOD {value}', codec: INTEGER, validate: integerIn(0, 3) }),
    sweepStart_nm: control({ get: ':WAV:SWE:STAR?', set: ':WAV:SWE:STAR {value}', codec: NM_PLAIN, validate: wavelength }),
    sweepStop_nm: control({ get: ':WAV:SWE:STOP?', set: ':WAV:SWE:STOP {value}', codec: NM_PLAIN, validate: wavelength }),
    sweepStep_nm: control({ get: ':WAV:SWE:STEP?', set: ':WAV:SWE:STEP {value}', codec: NM_PLAIN, validate: positive('nm') }),
    sweepSpeed_nm_s: control({
      get: ':WAV:SWE:SPE?', set: ':WAV:SWE:SPE {value}', codec: PLAIN_NUMBER, validate: santecSpeed(() => limits().speed_nm_s),
    }),
    sweepCycles: control({ get: ':WAV:SWE:CYCL?', set: ':WAV:SWE:CYCL {value}', codec: INTEGER, validate: integerIn(1, 999) }),
    triggerOutput: control({
      get: ':TRIG:OUTP?', set: ':TRIG:OUTP {value}', codec: SANTEC_TRIGGER_OUTPUT,
      validate: oneOf<TriggerOutput>(['disabled', 'stop', 'start', 'step']),
    }),
    triggerStep_nm: control({ get: ':TRIG:OUTP:STEP?', set: ':TRIG:OUTP:STEP {value}', codec: NM_PLAIN, validate: positive('nm') }),
    /** 0 stopped, 1 running, 3 waiting for a trigger, 4 preparing. */
    sweepStatus: measurement({ get: ':WAV:SWE?', codec: INTEGER }),
  };
}
