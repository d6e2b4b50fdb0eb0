// Santec TSL-570-style tunable laser: a second front end of the bench's one LaserSource (a bench uses
// one laser front end at a time). Dialect: Santec TSL-570 command set — wavelength in nm, power in dBm
// or mW, LD on/off plus a shutter, sweep modes 0–3, trigger output modes 0–3 with a trigger step.
import {
  CommandTable,
  ScpiError,
  ScpiErrorCode,
  formatNR1,
  formatNR2,
  parseBoolean,
  parseNumeric,
  parseNumericWithUnit,
} from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import type { SeededRandom } from '../random.ts';
import { ScpiInstrument, noParams, param } from '../scpi/index.ts';
import { LASER_WAVELENGTH_RANGE_NM } from '../world/laser-source.ts';
import type { LaserSource } from '../world/laser-source.ts';
import type { SweepPlan, SweepTrigger } from '../world/sweep.ts';
import { guardInterlock, sweepRunningQuery } from './laser-common.ts';
import { checkSweep } from './laser-sweep-check.ts';

export const SANTEC_IDENTITY = 'SANTEC,TSL-570,21060017,0003.0012';
export const SANTEC_POWER_RANGE_DBM = [-15, 13] as const;
const SPEED_NM_S = { min: 1, max: 200 };
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
  ldOn = false;
  shutterClosed = false;
  readonly noise: SeededRandom;

  constructor(
    readonly source: LaserSource,
    clock: BenchClock,
    noise: SeededRandom,
    identity = SANTEC_IDENTITY,
  ) {
    super({ role: 'laser-santec', identity, clock });
    this.noise = noise;
    source.onInterlockTrip(() => {
      this.ldOn = false;
      this.pushError(ScpiErrorCode.HardwareError, 'laser interlock open; LD switched off');
    });
    this.useCommands(SANTEC_COMMANDS, this);
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
  }

  protected override pendingUntil_s(): number {
    const t = this.clock.now_s();
    return Math.max(t, this.source.settledAt_s(), this.source.sweepDoneAt_s(t) ?? t);
  }
}

function setOrQuery(a: HandlerArgs, get: () => string, set: (token: string) => void): string | undefined {
  if (a.match.query) {
    noParams(a);
    return get();
  }
  set(param(a));
  return undefined;
}

/** Santec takes wavelengths in nm; an explicit SI unit (e.g. 1.55E-6M, 1550NM) is honoured too. */
function nmParam(token: string): number {
  const { value, unit } = parseNumericWithUnit(token, ['M']);
  const nm = unit === 'M' ? value * 1e9 : value;
  const [lo, hi] = LASER_WAVELENGTH_RANGE_NM;
  if (!(nm >= lo && nm <= hi)) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is outside ${lo}…${hi} nm`);
  return nm;
}

function integerIn(token: string, lo: number, hi: number): number {
  return parseNumeric(token, { min: lo, max: hi, integer: true });
}

function powerText(s: SantecLaser, dBm: number): string {
  return s.unitMilliwatts ? formatNR2(10 ** (dBm / 10), 4) : formatNR2(dBm, 3);
}

const SWE = ':WAVelength:SWEep';

const SANTEC_COMMANDS = new CommandTable<SantecLaser>()
  .add(':WAVelength[?]', (s, a) => setOrQuery(a, () => formatNR2(s.source.wavelengthSetting_nm, 4), (t) => void s.source.setWavelength(nmParam(t), s.clock.now_s())))
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
  .add(`${SWE}:STARt[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.start_nm, 4), (t) => (s.regs.start_nm = nmParam(t))))
  .add(`${SWE}:STOP[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.stop_nm, 4), (t) => (s.regs.stop_nm = nmParam(t))))
  .add(`${SWE}:STEP[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.step_nm, 4), (t) => (s.regs.step_nm = parseNumeric(t, { min: 0.0001, max: 160 }))))
  .add(`${SWE}:SPEed[?]`, (s, a) => setOrQuery(a, () => formatNR2(s.regs.speed_nm_s, 3), (t) => (s.regs.speed_nm_s = parseNumeric(t, SPEED_NM_S))))
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
    guardInterlock(() => s.source.startSweep(s.plan(), t, { llog: false, waitForSoftTrigger: false }));
    return undefined;
  })
  .add(':TRIGger:OUTPut:STEP[?]', (s, a) => setOrQuery(a, () => formatNR2(s.regs.triggerStep_nm, 4), (t) => (s.regs.triggerStep_nm = parseNumeric(t, { min: 0.0001, max: 160 }))))
  .add(':TRIGger:OUTPut[?]', (s, a) => setOrQuery(a, () => formatNR1(s.regs.triggerOut), (t) => (s.regs.triggerOut = integerIn(t, 0, 3))));
