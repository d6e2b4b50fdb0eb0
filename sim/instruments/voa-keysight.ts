// Keysight N7762A-style variable optical attenuator with an output power monitor; its channel 1 is the
// VOA in the bench's light path. Dialect: Keysight N77xx attenuator programming guide — INPut (attenuation,
// offset, wavelength), OUTPut (shutter, power-control setpoint), READ/FETCh of the monitor.
// The attenuation setting includes the offset: physical attenuation = setting − offset, 0…60 dB.
import { CommandTable, ScpiError, ScpiErrorCode, formatBoolean, formatNR1, formatNR3, parseBoolean, parseEnum, parseNumeric, parseNumericWithUnit } from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import type { SeededRandom } from '../random.ts';
import { ScpiInstrument, settingHandlers, noParams, suffix } from '../scpi/index.ts';
import type { NumericLimits } from '../scpi/index.ts';
import type { OpticalWorld } from '../world/optical-world.ts';
import { VOA_MAX_ATTENUATION_DB } from '../world/voa-path.ts';

const { setOrQuery, numericSetting } = settingHandlers(checkChannel);

export const VOA_IDENTITY = 'Keysight Technologies,N7762A,MY53100042,1.32';
const WL: NumericLimits = { min: 1.26e-6, max: 1.64e-6, default: 1.55e-6 };
const OFFSET_RANGE_DB: NumericLimits = { min: -200, max: 200, default: 0 };
/**
 * Target powers the power-control loop accepts, dBm. The 816x guide's `:OUTP:POW? MIN|MAX|DEF` answers "the
 * module limits, or the module default"; as on the 8156A, the default is the top of the range.
 */
const TARGET_DBM: NumericLimits = { min: -60, max: 20, default: 20 };

export class KeysightVoa extends ScpiInstrument {
  offset_dB = 0;
  powerUnitWatts = false;

  constructor(
    readonly world: OpticalWorld,
    clock: BenchClock,
    readonly noise: SeededRandom,
    identity = VOA_IDENTITY,
  ) {
    super({ role: 'voa', identity, clock });
    this.useCommands(VOA_COMMANDS, this);
  }

  get attenuationSetting_dB(): number {
    return this.world.voa.attenuationSetting_dB + this.offset_dB;
  }

  /** The monitor reading now (dBm), with a little noise; −Infinity in the dark. */
  monitor_dBm(): number {
    const m = this.world.voaMonitor_dBm(this.clock.now_s());
    return m === -Infinity ? m : m + 0.003 * this.noise.normal();
  }

  protected override reset(): void {
    const t = this.clock.now_s();
    this.offset_dB = 0;
    this.powerUnitWatts = false;
    this.world.voa.setAttenuation(0, t);
    this.world.voa.setCalibrationWavelength(1550, t);
    this.world.voa.setOutput(false, t);
  }

  protected override pendingUntil_s(): number {
    return Math.max(this.clock.now_s(), this.world.voa.settledAt_s());
  }
}

/** The bench has one attenuator channel: slot suffixes 1, channel 1. */
function checkChannel(a: HandlerArgs): void {
  a.match.suffixes.forEach((_, i) => suffix(a, i, 1, 1));
}



/**
 * The displayed attenuation's limits: the setting includes the offset, so (816x guide, `INP:ATT? MIN|DEF|MAX`)
 * MIN and DEF are the setting at 0 dB filter attenuation, MAX the setting at the filter's greatest.
 */
function attenuationLimits(v: KeysightVoa): NumericLimits {
  return { min: v.offset_dB, max: v.offset_dB + VOA_MAX_ATTENUATION_DB, default: v.offset_dB };
}

function formatPower(v: KeysightVoa, dBm: number): string {
  if (dBm === -Infinity) return v.powerUnitWatts ? formatNR3(0) : formatNR3(-200);
  return formatNR3(v.powerUnitWatts ? 10 ** ((dBm - 30) / 10) : dBm);
}

function setAttenuation(v: KeysightVoa, token: string): void {
  const setting = parseNumeric(token, { unit: 'DB', ...attenuationLimits(v) });
  v.world.voa.setAttenuation(setting - v.offset_dB, v.clock.now_s());
}

function setTarget(v: KeysightVoa, token: string): void {
  const { value, unit } = /^(MIN|MAX|DEF)/i.test(token.trim())
    ? { value: parseNumeric(token, { unit: 'DBM', ...TARGET_DBM }), unit: 'DBM' }
    : parseNumericWithUnit(token, ['DBM', 'W']);
  const inWatts = unit === 'W' || (unit === undefined && v.powerUnitWatts);
  const dBm = inWatts ? 10 * Math.log10(value) + 30 : value;
  if (!(dBm >= TARGET_DBM.min && dBm <= TARGET_DBM.max)) {
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is outside ${TARGET_DBM.min}…${TARGET_DBM.max} dBm`);
  }
  v.world.voa.setPowerTarget(dBm, v.clock.now_s());
}

const INP = ':INPut#[:CHANnel#]';
const OUTP = ':OUTPut#[:CHANnel#]';
const nr3 = (v: number): string => formatNR3(v);

const VOA_COMMANDS = new CommandTable<KeysightVoa>()
  .add(`${INP}:ATTenuation[?]`, (v, a) => numericSetting(a, attenuationLimits(v), () => v.attenuationSetting_dB, nr3, (t) => setAttenuation(v, t)))
  .add(`${INP}:OFFSet[?]`, (v, a) =>
    // The offset changes what the setting reads, not the light: the physical attenuation stays.
    numericSetting(a, OFFSET_RANGE_DB, () => v.offset_dB, nr3, (t) => (v.offset_dB = parseNumeric(t, { unit: 'DB', ...OFFSET_RANGE_DB }))),
  )
  .add(`${INP}:WAVelength[?]`, (v, a) =>
    numericSetting(a, WL, () => v.world.voa.calibrationWavelength_nm * 1e-9, nr3, (t) => {
      v.world.voa.setCalibrationWavelength(parseNumeric(t, { unit: 'M', ...WL }) * 1e9, v.clock.now_s());
    }),
  )
  .add(`${OUTP}[:STATe][?]`, (v, a) => setOrQuery(a, () => formatBoolean(v.world.voa.outputOpen), (t) => v.world.voa.setOutput(parseBoolean(t), v.clock.now_s())))
  .add(`${OUTP}:POWer:UNIT[?]`, (v, a) =>
    setOrQuery(a, () => formatNR1(v.powerUnitWatts ? 1 : 0), (t) => {
      const s = t.trim();
      v.powerUnitWatts = s === '1' ? true : s === '0' ? false : parseEnum(t, ['DBM', 'Watt']) === 'Watt';
    }),
  )
  .add(`${OUTP}:POWer:CONTRol[?]`, (v, a) =>
    setOrQuery(a, () => formatBoolean(v.world.voa.powerTarget_dBm !== null), (t) => {
      const t_s = v.clock.now_s();
      if (!parseBoolean(t)) {
        // Leaving power control keeps the attenuation the loop had reached.
        v.world.voa.leavePowerControl(t_s, v.world.voaInput_W(t_s), v.world.laser.wavelengthAt_nm(t_s));
        return;
      }
      if (v.world.voa.powerTarget_dBm !== null) return;
      const now = v.monitor_dBm();
      if (now === -Infinity) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'no light at the monitor: set a target with OUTP:POW first');
      v.world.voa.setPowerTarget(now, t_s);
    }),
  )
  .add(`${OUTP}:POWer[?]`, (v, a) =>
    numericSetting(
      a,
      TARGET_DBM,
      // The setpoint in power-control mode; in attenuation mode the setpoint tracks the monitored output.
      () => v.world.voa.powerTarget_dBm ?? v.monitor_dBm(),
      (dBm) => formatPower(v, dBm),
      (t) => setTarget(v, t),
    ),
  )
  .add(':READ#[:CHANnel#]:POWer?', async (v, a) => {
    checkChannel(a);
    noParams(a);
    await v.clock.advance(0.01);
    return formatPower(v, v.monitor_dBm());
  })
  .add(':FETCh#[:CHANnel#]:POWer?', (v, a) => {
    checkChannel(a);
    noParams(a);
    return formatPower(v, v.monitor_dBm());
  });
