// Santec TSL-570-style tunable laser: a second front end of the bench's one LaserSource (a bench uses
// one laser front end at a time). Lines end in CR both ways (QMI's TSL-570 driver). Dialect: Santec
// TSL-570 command set in its Legacy command mode (the one public drivers force with `:SYST:COMM:COD 0`);
// in SCPI mode (`:SYST:COMM:COD 1`) wavelengths without a unit are metres and are answered in metres, the
// mistake a driver that forgets the mode makes. `*OPC?` answers 0 while busy instead of blocking, and
// `:SYST:ALER?` reports alerts ("No alerts." when none). Legacy: wavelength in nm, frequency in THz, power in dBm
// or mW, LD on/off plus a shutter, sweep modes 0–3, trigger output modes 0–3 with a trigger step, and the
// wavelength log of the last sweep (`:READout:POINts?`, `:READout:DATa?`).
import {
  CommandTable,
  ScpiError,
  ScpiErrorCode,
  encodeDefiniteBlock,
  formatNR1,
  formatNR2,
  parseBoolean,
  parseNumeric,
  parseNumericWithUnit,
} from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import type { SeededRandom } from '../random.ts';
import { ScpiInstrument, settingHandlers, noParams, param } from '../scpi/index.ts';
import { LASER_WAVELENGTH_RANGE_NM } from '../world/laser-source.ts';
import type { LaserSource } from '../world/laser-source.ts';
import type { SweepPlan, SweepTrigger } from '../world/sweep.ts';
import { guardInterlock, sweepRunningQuery } from './laser-common.ts';
import { checkSweep } from './laser-sweep-check.ts';

const { setOrQuery } = settingHandlers();

export const SANTEC_IDENTITY = 'SANTEC,TSL-570,21060017,0003.0012';
export const SANTEC_POWER_RANGE_DBM = [-15, 13] as const;
/** Speed of light in nm·THz: λ(nm) = C / f(THz). */
const C_NM_THZ = 299_792.458;
/** The speeds a TSL-570 sweeps at (QMI's `VALID_SPEED_VALUES`); others are refused with -222. */
const SPEEDS_NM_S = [1, 2, 5, 10, 20, 50, 100, 200];
const SANTEC_FRAMING = { inputTerminator: '\r', outputTerminator: '\r' };
const TRIGGER_OF: readonly SweepTrigger[] = ['none', 'stop', 'start', 'step'];

interface SantecRegisters {
  /** 0 step one-way, 1 continuous one-way, 2 step two-way, 3 continuous two-way. */
  mode: number;
  start_nm: number;
  stop_nm: number;
  step_nm: number;
  speed_nm_s: number;
  dwell_s: number;
  cycles: number;
  triggerOut: number;
  triggerStep_nm: number;
}

const DEFAULTS: SantecRegisters = { mode: 1, start_nm: 1500, stop_nm: 1600, step_nm: 1, speed_nm_s: 10, dwell_s: 0.1, cycles: 1, triggerOut: 0, triggerStep_nm: 0.1 };

export class SantecLaser extends ScpiInstrument {
  regs: SantecRegisters = { ...DEFAULTS };
  unitMilliwatts = false;
  /** `:WAV:UNIT 1`: the display shows THz. `:WAV` stays in nm and `:FREQ` in THz whatever it is. */
  unitTHz = false;
  ldOn = false;
  shutterClosed = false;
  /** `:SYST:COMM:COD 1`: the SCPI command mode (bare wavelengths in metres). */
  scpiMode = false;
  /** Queued alerts, oldest first, as the TSL words them (`No07.,Inter lock detection`). */
  readonly alerts: string[] = [];
  readonly noise: SeededRandom;

  constructor(
    readonly source: LaserSource,
    clock: BenchClock,
    noise: SeededRandom,
    identity = SANTEC_IDENTITY,
  ) {
    super({ role: 'laser-santec', identity, clock, framing: SANTEC_FRAMING });
    this.noise = noise;
    source.onInterlockTrip(() => {
      this.ldOn = false;
      this.alerts.push('No07.,Inter lock detection');
      this.pushError(ScpiErrorCode.HardwareError, 'laser interlock open; LD switched off');
    });
    this.useCommands(SANTEC_COMMANDS, this);
  }

  /**
   * Whether a sweep logs wavelengths: the TSL-570 records its wavelength at the trigger-output timing, so
   * the sim logs a continuous sweep that pulses every trigger step (`TRIG:OUTP 3`), one point per pulse.
   */
  logsWavelengths(): boolean {
    const p = this.plan();
    return p.mode === 'continuous' && p.trigger === 'step';
  }

  /** Light leaves the laser when the LD is on and the shutter open. */
  applyOutput(): void {
    guardInterlock(() => this.source.setOutput(this.ldOn && !this.shutterClosed, this.clock.now_s()));
  }

  plan(): SweepPlan {
    const r = this.regs;
    const continuous = r.mode === 1 || r.mode === 3;
    return {
      mode: continuous ? 'continuous' : 'step',
      start_nm: r.start_nm,
      stop_nm: r.stop_nm,
      step_nm: continuous ? r.triggerStep_nm : r.step_nm,
      speed_nm_s: r.speed_nm_s,
      dwell_s: r.dwell_s,
      twoWay: r.mode >= 2,
      cycles: r.cycles,
      trigger: TRIGGER_OF[r.triggerOut] ?? 'none',
    };
  }

  protected override reset(): void {
    const t = this.clock.now_s();
    this.source.stopSweep(t);
    this.regs = { ...DEFAULTS };
    this.unitMilliwatts = false;
    this.unitTHz = false;
  }

  /** The TSL answers at once: 0 while tuning or sweeping, 1 when done (fast mode jumps to done, as sweeps do). */
  protected override async operationCompleteQuery(): Promise<string> {
    const until = this.pendingUntil_s();
    if (this.clock.mode === 'fast') await this.clock.advanceTo(until);
    return this.clock.now_s() >= until ? '1' : '0';
  }

  protected override pendingUntil_s(): number {
    const t = this.clock.now_s();
    return Math.max(t, this.source.settledAt_s(), this.source.sweepDoneAt_s(t) ?? t);
  }
}


/**
 * Legacy mode takes wavelengths in nm, SCPI mode in metres; an explicit SI unit (e.g. 1.55E-6M, 1550NM) is
 * honoured in both.
 */
function nmParam(token: string, s?: SantecLaser): number {
  const { value, unit } = parseNumericWithUnit(token, ['M']);
  const nm = unit === 'M' || (!unit && s?.scpiMode === true) ? value * 1e9 : value;
  const [lo, hi] = LASER_WAVELENGTH_RANGE_NM;
  if (!(nm >= lo && nm <= hi)) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is outside ${lo}…${hi} nm`);
  return nm;
}

/** Optical frequency in THz (a bare number), or with an explicit Hz unit (193.4THZ). */
function thzParam(token: string): number {
  const { value, unit } = parseNumericWithUnit(token, ['HZ']);
  const thz = unit === 'HZ' ? value / 1e12 : value;
  const [lo, hi] = LASER_WAVELENGTH_RANGE_NM;
  if (!(thz >= C_NM_THZ / hi && thz <= C_NM_THZ / lo)) {
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is outside ${formatNR2(C_NM_THZ / hi, 5)}…${formatNR2(C_NM_THZ / lo, 5)} THz`);
  }
  return thz;
}

/** A wavelength reply: nm with 4 decimals in Legacy mode, metres in SCPI mode. */
function nmText(s: SantecLaser, nm: number): string {
  return s.scpiMode ? (nm * 1e-9).toExponential(8).toUpperCase() : formatNR2(nm, 4);
}

function speedParam(token: string): number {
  const v = parseNumeric(token);
  if (!SPEEDS_NM_S.includes(v)) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' nm/s is not one of ${SPEEDS_NM_S.join(', ')}`);
  return v;
}

function integerIn(token: string, lo: number, hi: number): number {
  return parseNumeric(token, { min: lo, max: hi, integer: true });
}

function powerText(s: SantecLaser, dBm: number): string {
  return s.unitMilliwatts ? formatNR2(10 ** (dBm / 10), 4) : formatNR2(dBm, 3);
}

const SWE = ':WAVelength:SWEep';

const SANTEC_COMMANDS = new CommandTable<SantecLaser>()
  .add(':WAVelength[?]', (s, a) => setOrQuery(a, () => nmText(s, s.source.wavelengthSetting_nm), (t) => void s.source.setWavelength(nmParam(t, s), s.clock.now_s())))
  .add(':SYSTem:COMMunicate:CODe[?]', (s, a) => setOrQuery(a, () => formatNR1(s.scpiMode ? 1 : 0), (t) => (s.scpiMode = integerIn(t, 0, 1) === 1)))
  .add(':SYSTem:ALERt?', (s, a) => (noParams(a), s.alerts.shift() ?? 'No alerts.'))
  .add(':WAVelength:UNIT[?]', (s, a) => setOrQuery(a, () => formatNR1(s.unitTHz ? 1 : 0), (t) => (s.unitTHz = integerIn(t, 0, 1) === 1)))
  // Limits as public TSL-570 drivers read them (QMI, Santec's samples): `:WAV:MIN?`/`:WAV:MAX?` in nm,
  // `:WAV:FREQ:MIN?`/`MAX?` in THz, `:POW:LEV:MIN?`/`MAX?` in the power unit.
  .add(':WAVelength:MINimum?', (s, a) => (noParams(a), formatNR2(LASER_WAVELENGTH_RANGE_NM[0], 4)))
  .add(':WAVelength:MAXimum?', (s, a) => (noParams(a), formatNR2(LASER_WAVELENGTH_RANGE_NM[1], 4)))
  .add('[:WAVelength]:FREQuency:MINimum?', (s, a) => (noParams(a), formatNR2(C_NM_THZ / LASER_WAVELENGTH_RANGE_NM[1], 5)))
  .add('[:WAVelength]:FREQuency:MAXimum?', (s, a) => (noParams(a), formatNR2(C_NM_THZ / LASER_WAVELENGTH_RANGE_NM[0], 5)))
  .add('[:WAVelength]:FREQuency[?]', (s, a) =>
    setOrQuery(a, () => formatNR2(C_NM_THZ / s.source.wavelengthSetting_nm, 5), (t) => void s.source.setWavelength(C_NM_THZ / thzParam(t), s.clock.now_s())),
  )
  .add(':POWer[:LEVel]:MINimum?', (s, a) => (noParams(a), powerText(s, SANTEC_POWER_RANGE_DBM[0])))
  .add(':POWer[:LEVel]:MAXimum?', (s, a) => (noParams(a), powerText(s, SANTEC_POWER_RANGE_DBM[1])))
  .add(':POWer:UNIT[?]', (s, a) => setOrQuery(a, () => formatNR1(s.unitMilliwatts ? 1 : 0), (t) => (s.unitMilliwatts = integerIn(t, 0, 1) === 1)))
  .add(':POWer:STATe[?]', (s, a) =>
    setOrQuery(a, () => formatNR1(s.ldOn ? 1 : 0), (t) => {
      const on = parseBoolean(t);
      if (on && s.source.interlockTripped) guardInterlock(() => s.source.setOutput(true, s.clock.now_s()));
      s.ldOn = on;
      s.applyOutput();
    }),
  )
  .add(':POWer:SHUTter[?]', (s, a) =>
    setOrQuery(a, () => formatNR1(s.shutterClosed ? 1 : 0), (t) => {
      s.shutterClosed = parseBoolean(t);
      s.applyOutput();
    }),
  )
  .add(':POWer:ACTual[:LEVel]?', (s, a) => {
    noParams(a);
    const m = s.source.monitoredPower_dBm(s.clock.now_s());
    if (m === -Infinity) return s.unitMilliwatts ? formatNR2(0, 4) : formatNR2(-40, 3);
    return powerText(s, m + 0.005 * s.noise.normal());
  })
  .add(':POWer[:LEVel][?]', (s, a) =>
    setOrQuery(a, () => powerText(s, s.source.powerSetting_dBm), (t) => {
      const v = parseNumeric(t);
      const dBm = s.unitMilliwatts ? 10 * Math.log10(v) : v;
      const [lo, hi] = SANTEC_POWER_RANGE_DBM;
      if (!(dBm >= lo && dBm <= hi)) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${t}' is outside ${lo}…${hi} dBm`);
      s.source.setPower(dBm, s.clock.now_s());
    }),
  )
  .add(`${SWE}:MODe[?]`, (s, a) => setOrQuery(a, () => formatNR1(s.regs.mode), (t) => (s.regs.mode = integerIn(t, 0, 3))))
  .add(`${SWE}:STARt[?]`, (s, a) => setOrQuery(a, () => nmText(s, s.regs.start_nm), (t) => (s.regs.start_nm = nmParam(t, s))))
  .add(`${SWE}:STOP[?]`, (s, a) => setOrQuery(a, () => nmText(s, s.regs.stop_nm), (t) => (s.regs.stop_nm = nmParam(t, s))))
  .add(`${SWE}:STEP[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.step_nm, 4), (t) => (s.regs.step_nm = parseNumeric(t, { min: 0.0001, max: 160 }))))
  .add(`${SWE}:SPEed[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.speed_nm_s, 3), (t) => (s.regs.speed_nm_s = speedParam(t))))
  .add(`${SWE}:DWELl[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.dwell_s, 3), (t) => (s.regs.dwell_s = parseNumeric(t, { min: 0, max: 999.9 }))))
  .add(`${SWE}:CYCLes[?]`, (s, a) => setOrQuery(a, () => formatNR1(s.regs.cycles), (t) => (s.regs.cycles = integerIn(t, 1, 999))))
  .add(`${SWE}[:STATe][?]`, async (s, a) => {
    if (a.match.query) {
      noParams(a);
      const running = await sweepRunningQuery(s.source, s.clock);
      if (!running) return '0';
      // Santec status codes: 1 running, 3 standby (trigger wait), 4 preparation.
      const st = s.source.sweepState(s.clock.now_s());
      return st === 'preparing' ? '4' : st === 'waiting-trigger' ? '3' : '1';
    }
    const t = s.clock.now_s();
    if (!parseBoolean(param(a))) {
      s.source.stopSweep(t);
      return undefined;
    }
    const c = checkSweep(s.plan(), false);
    if (c.code !== 0) throw new ScpiError(ScpiErrorCode.SettingsConflict, `sweep parameters: ${c.message}`);
    if (!s.source.outputOn) throw new ScpiError(ScpiErrorCode.SettingsConflict, 'no output: LD off or shutter closed');
    guardInterlock(() => s.source.startSweep(s.plan(), t, { llog: s.logsWavelengths(), waitForSoftTrigger: false, logOwner: s.role }));
    return undefined;
  })
  .add(':TRIGger:OUTPut:STEP[?]', (s, a) => setOrQuery(a, () => formatNR2(s.regs.triggerStep_nm, 4), (t) => (s.regs.triggerStep_nm = parseNumeric(t, { min: 0.0001, max: 160 }))))
  .add(':TRIGger:OUTPut[?]', (s, a) => setOrQuery(a, () => formatNR1(s.regs.triggerOut), (t) => (s.regs.triggerOut = integerIn(t, 0, 3))))
  .add(':READout:POINts?', (s, a) => (noParams(a), formatNR1(s.source.lambdaLog(s.clock.now_s(), s.role)?.length ?? 0)))
  .add(':READout:DATa?', (s, a) => {
    noParams(a);
    return encodeDefiniteBlock(santecLogBlock(s.source.lambdaLog(s.clock.now_s(), s.role) ?? new Float64Array(0)));
  });

/**
 * The wavelength log as the TSL-570 sends it: 4 bytes per point, a little-endian signed integer in units
 * of 0.1 pm (Santec's own TSL samples decode `:READout:DATa?` as int32 and divide by 10 000 to get nm, and
 * QMI's TSL-570 driver quotes the manual: "data points are returned in units of 0.1 pm"). No log (no
 * completed continuous sweep with step triggers yet): an empty block, as `:READout:POINts?` says 0.
 */
export function santecLogBlock(log_nm: ArrayLike<number>): Uint8Array {
  const out = Buffer.alloc(4 * log_nm.length);
  for (let i = 0; i < log_nm.length; i++) out.writeInt32LE(Math.round((log_nm[i] as number) * 1e4), 4 * i);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
