// The Keysight attenuator's one-command settings, declared. `{ch}` is the channel (or module slot).
import { BOOLEAN, DB, DBM, NM_VIA_METRES } from '../properties/codecs.ts';
import { control, setting } from '../properties/property.ts';
import { inRange, isBoolean } from '../properties/validators.ts';
import type { Range } from '../properties/validators.ts';
import { OFFSET_RANGE_DB, POWER_SETPOINT_RANGE_DBM, VOA_WAVELENGTH_RANGE_NM } from './keysight-n776x-model.ts';

export function voaTable(attenuationRange_dB: () => Range) {
  return {
    /** The displayed attenuation: physical attenuation + offset. */
    attenuation_dB: control({ get: ':INP{ch}:ATT?', set: ':INP{ch}:ATT {value}', codec: DB, validate: inRange(attenuationRange_dB, 'dB') }),
    offset_dB: control({ get: ':INP{ch}:OFFS?', set: ':INP{ch}:OFFS {value}', codec: DB, validate: inRange(OFFSET_RANGE_DB, 'dB') }),
    wavelength_nm: control({ get: ':INP{ch}:WAV?', set: ':INP{ch}:WAV {value}', codec: NM_VIA_METRES, validate: inRange(VOA_WAVELENGTH_RANGE_NM, 'nm') }),
    output: control({ get: ':OUTP{ch}:STAT?', set: ':OUTP{ch}:STAT {value}', codec: BOOLEAN, validate: isBoolean }),
    powerControl: control({ get: ':OUTP{ch}:POW:CONTR?', set: ':OUTP{ch}:POW:CONTR {value}', codec: BOOLEAN, validate: isBoolean }),
    /** Sent with a DBM suffix, so the display unit does not matter. */
    powerSetpoint_dBm: setting({ set: ':OUTP{ch}:POW {value}', codec: DBM, validate: inRange(POWER_SETPOINT_RANGE_DBM, 'dBm') }),
  };
}
