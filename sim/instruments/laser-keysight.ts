// Keysight N7778C-style tunable laser: a front end of the bench's one LaserSource. Dialect: Keysight
// 81600B/N777xC programming guides — [:SOURce0] wavelength in m, power in dBm or W, continuous/stepped
// sweeps with lambda logging (float64 wavelengths in m), the sweep flag, and the trigger output that
// feeds the meter.
import {
  CommandTable,
  ScpiError,
  ScpiErrorCode,
  encodeDefiniteBlock,
  encodeFloats,
  formatBoolean,
  formatNR1,
  formatNR3,
  parseBoolean,
  parseEnum,
  parseNumeric,
  parseNumericWithUnit,
} from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import { ScpiInstrument, settingHandlers, noParams, param, params, suffix } from '../scpi/index.ts';
import type { NumericLimits } from '../scpi/index.ts';
import { LASER_WAVELENGTH_RANGE_NM } from '../world/laser-source.ts';
import type { LaserSource } from '../world/laser-source.ts';
import { expectedTriggers, stepsPerDirection } from '../world/sweep.ts';
import type { SweepPlan, SweepTrigger } from '../world/sweep.ts';
import { checkSweep } from './laser-sweep-check.ts';
import { guardInterlock, sweepRunningQuery } from './laser-common.ts';

const { setOrQuery, numericSetting } = settingHandlers(checkSlot);

export const KEYSIGHT_LASER_IDENTITY = 'Keysight Technologies,N7778C,DE56300112,1.4.2';
export const KEYSIGHT_POWER_RANGE_DBM = [-10, 13] as const;

type TriggerOut = 'DIS' | 'STF' | 'SWST' | 'SWF';
const TRIGGER_OF: Readonly<Record<TriggerOut, SweepTrigger>> = { DIS: 'none', STF: 'step', SWST: 'start', SWF: 'stop' };

interface SweepRegisters {
  mode: 'CONT' | 'STEP';
  start_nm: number;
  stop_nm: number;
  step_nm: number;
  speed_nm_s: number;
  dwell_s: number;
  cycles: number;
  twoWay: boolean;
  llog: boolean;
}

const SWEEP_DEFAULTS: SweepRegisters = { mode: 'CONT', start_nm: 1520, stop_nm: 1580, step_nm: 0.1, speed_nm_s: 10, dwell_s: 0.1, cycles: 1, twoWay: false, llog: false };

// Each numeric register's range (the N7778C's option 216 band, 0.1 pm resolution, 0.5–200 nm/s) and its
// *RST value, in the unit the laser answers in; MIN|MAX|DEF in a setting or a query resolve to these.
const WL_M: NumericLimits = { min: LASER_WAVELENGTH_RANGE_NM[0] * 1e-9, max: LASER_WAVELENGTH_RANGE_NM[1] * 1e-9, default: 1550e-9 };
const START_M: NumericLimits = { ...WL_M, default: SWEEP_DEFAULTS.start_nm * 1e-9 };
const STOP_M: NumericLimits = { ...WL_M, default: SWEEP_DEFAULTS.stop_nm * 1e-9 };
const STEP_M: NumericLimits = { min: 1e-13, max: 160e-9, default: SWEEP_DEFAULTS.step_nm * 1e-9 };
const SPEED_M_S: NumericLimits = { min: 0.5e-9, max: 200e-9, default: SWEEP_DEFAULTS.speed_nm_s * 1e-9 };
const DWELL_S: NumericLimits = { min: 0, max: 1000, default: SWEEP_DEFAULTS.dwell_s };
const CYCLES: NumericLimits = { min: 1, max: 1000, default: SWEEP_DEFAULTS.cycles };
const POWER_DBM: NumericLimits = { min: KEYSIGHT_POWER_RANGE_DBM[0], max: KEYSIGHT_POWER_RANGE_DBM[1], default: 0 };

export class KeysightLaser extends ScpiInstrument {
  sweep: SweepRegisters = { ...SWEEP_DEFAULTS };
  unitWatts = false;
  triggerOut: TriggerOut = 'DIS';
  triggerIn: 'IGN' | 'SWS' = 'IGN';
  /** `:LOCK 1,<password>`; the factory password of these mainframes is 1234. */
  locked = false;
  lockPassword = '1234';

  constructor(
    readonly source: LaserSource,
    clock: BenchClock,
    identity = KEYSIGHT_LASER_IDENTITY,
  ) {
    super({ role: 'laser', identity, clock });
    source.onInterlockTrip(() => this.pushError(ScpiErrorCode.HardwareError, 'laser interlock open; output switched off'));
    this.useCommands(KEYSIGHT_LASER_COMMANDS, this);
  }

  plan(): SweepPlan {
    const r = this.sweep;
    return {
      mode: r.mode === 'CONT' ? 'continuous' : 'step',
      start_nm: r.start_nm,
      stop_nm: r.stop_nm,
      step_nm: r.step_nm,
      speed_nm_s: r.speed_nm_s,
      dwell_s: r.dwell_s,
      twoWay: r.twoWay,
      cycles: r.cycles,
      trigger: TRIGGER_OF[this.triggerOut],
    };
  }

  protected override reset(): void {
    const t = this.clock.now_s();
    this.source.stopSweep(t);
    this.source.setOutput(false, t);
    this.sweep = { ...SWEEP_DEFAULTS };
    this.unitWatts = false;
    this.triggerOut = 'DIS';
    this.triggerIn = 'IGN';
  }

  protected override pendingUntil_s(): number {
    const t = this.clock.now_s();
    return Math.max(t, this.source.settledAt_s(), this.source.sweepDoneAt_s(t) ?? t);
  }
}

/** Slot suffix: the laser answers as SOURce0 (and SOURce1), channel 1. */
function checkSlot(a: HandlerArgs): void {
  a.match.suffixes.forEach((_, i) => suffix(a, i, i === 0 ? 0 : 1, 1));
}



function wavelengthParam(token: string, limits: NumericLimits = WL_M): number {
  return parseNumeric(token, { unit: 'M', ...limits }) * 1e9;
}

function powerParam(l: KeysightLaser, token: string): number {
  const { value, unit } = /^(MIN|MAX|DEF)/i.test(token.trim())
    ? { value: parseNumeric(token, { unit: 'DBM', ...POWER_DBM }), unit: 'DBM' }
    : parseNumericWithUnit(token, ['DBM', 'W']);
  const inWatts = unit === 'W' || (unit === undefined && l.unitWatts);
  const dBm = inWatts ? 10 * Math.log10(value) + 30 : value;
  if (!(dBm >= POWER_DBM.min && dBm <= POWER_DBM.max)) {
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is outside ${POWER_DBM.min}…${POWER_DBM.max} dBm`);
  }
  return dBm;
}

function formatPower(l: KeysightLaser, dBm: number): string {
  return formatNR3(l.unitWatts ? 10 ** ((dBm - 30) / 10) : dBm);
}

const SRC = '[:SOURce#][:CHANnel#]';
const SWE = `${SRC}:WAVelength:SWEep`;
const nr3 = (v: number): string => formatNR3(v);

const KEYSIGHT_LASER_COMMANDS = new CommandTable<KeysightLaser>()
  .add(`${SRC}:WAVelength[:CW][?]`, (l, a) =>
    numericSetting(a, WL_M, () => l.source.wavelengthSetting_nm * 1e-9, (v) => formatNR3(v), (t) => {
      void l.source.setWavelength(wavelengthParam(t), l.clock.now_s());
    }),
  )
  .add(`${SRC}:POWer:UNIT[?]`, (l, a) =>
    setOrQuery(a, () => formatNR1(l.unitWatts ? 1 : 0), (t) => {
      const v = t.trim();
      l.unitWatts = v === '1' ? true : v === '0' ? false : parseEnum(t, ['DBM', 'Watt']) === 'Watt';
    }),
  )
  // The laser lock (816x / N777xC): locking switches the output off; a locked laser refuses POW:STAT.
  .add(':LOCK[?]', (l, a) => {
    if (a.match.query) return (noParams(a), formatBoolean(l.locked));
    const [state, password] = params(a, 2, 2);
    if (password?.replace(/^"|"$/g, '') !== l.lockPassword) throw new ScpiError(ScpiErrorCode.ExecutionError, 'wrong laser lock password');
    l.locked = parseBoolean(state);
    if (l.locked) guardInterlock(() => l.source.setOutput(false, l.clock.now_s()));
    return undefined;
  })
  .add(`${SRC}:POWer:STATe[?]`, (l, a) =>
    setOrQuery(a, () => formatBoolean(l.source.outputOn), (t) => {
      if (l.locked) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'laser locked; unlock with :LOCK 0,<password>');
      const on = parseBoolean(t);
      guardInterlock(() => l.source.setOutput(on, l.clock.now_s()));
    }),
  )
  .add(`${SRC}:POWer[:LEVel][:IMMediate][:AMPLitude][?]`, (l, a) =>
    numericSetting(a, POWER_DBM, () => l.source.powerSetting_dBm, (dBm) => formatPower(l, dBm), (t) => l.source.setPower(powerParam(l, t), l.clock.now_s())),
  )
  .add(`${SWE}:MODE[?]`, (l, a) => setOrQuery(a, () => l.sweep.mode, (t) => (l.sweep.mode = parseEnum(t, ['CONTinuous', 'STEPped']) === 'CONTinuous' ? 'CONT' : 'STEP')))
  .add(`${SWE}:STARt[?]`, (l, a) => numericSetting(a, START_M, () => l.sweep.start_nm * 1e-9, nr3, (t) => (l.sweep.start_nm = wavelengthParam(t, START_M))))
  .add(`${SWE}:STOP[?]`, (l, a) => numericSetting(a, STOP_M, () => l.sweep.stop_nm * 1e-9, nr3, (t) => (l.sweep.stop_nm = wavelengthParam(t, STOP_M))))
  .add(`${SWE}:STEP[:WIDTh][?]`, (l, a) => numericSetting(a, STEP_M, () => l.sweep.step_nm * 1e-9, nr3, (t) => (l.sweep.step_nm = wavelengthParam(t, STEP_M))))
  .add(`${SWE}:SPEed[?]`, (l, a) =>
    numericSetting(a, SPEED_M_S, () => l.sweep.speed_nm_s * 1e-9, nr3, (t) => (l.sweep.speed_nm_s = parseNumeric(t, { unit: 'M/S', ...SPEED_M_S }) * 1e9)),
  )
  .add(`${SWE}:DWELl[?]`, (l, a) => numericSetting(a, DWELL_S, () => l.sweep.dwell_s, nr3, (t) => (l.sweep.dwell_s = parseNumeric(t, { unit: 'S', ...DWELL_S }))))
  .add(`${SWE}:CYCLes[?]`, (l, a) =>
    numericSetting(a, CYCLES, () => l.sweep.cycles, formatNR1, (t) => (l.sweep.cycles = parseNumeric(t, { ...CYCLES, integer: true }))),
  )
  .add(`${SWE}:REPeat[?]`, (l, a) => setOrQuery(a, () => (l.sweep.twoWay ? 'TWOW' : 'ONEW'), (t) => (l.sweep.twoWay = parseEnum(t, ['ONEWay', 'TWOWay']) === 'TWOWay')))
  .add(`${SWE}:LLOGging[?]`, (l, a) => setOrQuery(a, () => formatBoolean(l.sweep.llog), (t) => (l.sweep.llog = parseBoolean(t))))
  .add(`${SWE}:CHECkparams?`, (l, a) => {
    checkSlot(a);
    noParams(a);
    const c = checkSweep(l.plan(), l.sweep.llog);
    return `${c.code},${c.message}`;
  })
  // The most power the laser holds over a sweep range, W. The simulated laser holds its full range over
  // its whole band (a real one delivers less near the band edges, which is why drivers ask).
  .add(`${SWE}:PMAX?`, (l, a) => {
    checkSlot(a);
    const [start, stop] = params(a, 2).map((t) => wavelengthParam(t));
    if (!((start as number) <= (stop as number))) throw new ScpiError(ScpiErrorCode.DataOutOfRange, 'PMAX? start wavelength above stop');
    return formatNR3(10 ** ((POWER_DBM.max - 30) / 10));
  })
  .add(`${SWE}:EXPectedtriggers?`, (l, a) => {
    checkSlot(a);
    noParams(a);
    const p = l.plan();
    return formatNR1(p.trigger === 'none' ? stepsPerDirection(p) * p.cycles * (p.twoWay ? 2 : 1) : expectedTriggers(p));
  })
  .add(`${SWE}:FLAG?`, async (l, a) => {
    checkSlot(a);
    noParams(a);
    const next = l.source.nextFlagEvent_s(l.clock.now_s());
    // Fast mode: a poll of the flag jumps to its next change (the sweep armed, or finished).
    if (l.clock.mode === 'fast' && next !== null) await l.clock.advanceTo(next);
    return formatNR1(l.source.sweepFlag(l.clock.now_s()));
  })
  .add(`${SWE}:SOFTtrigger`, (l, a) => {
    checkSlot(a);
    noParams(a);
    if (!l.source.softTrigger(l.clock.now_s())) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'no sweep is waiting for a trigger');
    return undefined;
  })
  .add(`${SWE}[:STATe][?]`, async (l, a) => {
    checkSlot(a);
    if (a.match.query) {
      noParams(a);
      return formatBoolean(await sweepRunningQuery(l.source, l.clock));
    }
    const action = param(a).trim().toUpperCase();
    const t = l.clock.now_s();
    if (action === '0' || action === 'OFF' || action === 'STOP') {
      l.source.stopSweep(t);
      return undefined;
    }
    if (!(action === '1' || action === 'ON' || action === 'STAR' || action === 'START')) {
      throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `'${param(a)}' is not one of 1|0|STARt|STOP`);
    }
    const c = checkSweep(l.plan(), l.sweep.llog);
    if (c.code !== 0) throw new ScpiError(ScpiErrorCode.SettingsConflict, `sweep parameters: ${c.code},${c.message}`);
    if (!l.source.outputOn) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'laser output is off (POW:STAT 1 first)');
    guardInterlock(() => l.source.startSweep(l.plan(), t, { llog: l.sweep.llog, waitForSoftTrigger: l.triggerIn === 'SWS', logOwner: l.role }));
    return undefined;
  })
  .add(`${SRC}:READout:DATA?`, (l, a) => {
    checkSlot(a);
    parseEnum(param(a), ['LLOGging']);
    const log = l.source.lambdaLog(l.clock.now_s(), l.role);
    if (!log) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'no lambda logging data: run a sweep with WAV:SWE:LLOG 1 to completion');
    return encodeDefiniteBlock(encodeFloats(Array.from(log, (nm) => nm * 1e-9), 'float64', 'little'));
  })
  .add(`${SRC}:READout:POINts?`, (l, a) => {
    checkSlot(a);
    parseEnum(param(a), ['LLOGging']);
    return formatNR1(l.source.lambdaLog(l.clock.now_s(), l.role)?.length ?? 0);
  })
  .add(':TRIGger#[:CHANnel#]:OUTPut[?]', (l, a) =>
    setOrQuery(a, () => l.triggerOut, (t) => {
      l.triggerOut = parseEnum(t, ['DISabled', 'STFinished', 'SWSTarted', 'SWFinished']).replace(/[a-z]/g, '') as TriggerOut;
    }),
  )
  .add(':TRIGger#[:CHANnel#]:INPut[?]', (l, a) =>
    setOrQuery(a, () => l.triggerIn, (t) => (l.triggerIn = parseEnum(t, ['IGNore', 'SWStart']) === 'IGNore' ? 'IGN' : 'SWS')),
  );
