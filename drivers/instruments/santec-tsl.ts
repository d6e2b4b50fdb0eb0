// Santec TSL-570 (and TSL-550/710/770) tunable lasers. Output = laser diode on and shutter open; the
// driver switches light off with the shutter, which is immediate and keeps the diode warm.
//
// At open the driver puts the laser's wavelength unit to nm (if it was left in THz) and asks it for its
// limits (santec-tsl-limits.ts). The TSL has no sweep-check or trigger-count query: checkSweep() and
// expectedTriggers() work from the sweep registers read back. fetchWavelengthLog_nm() returns the
// wavelengths the laser logged at its trigger pulses (santec-tsl-log.ts). After a sweep the laser rests at
// the start wavelength, not the one it had before.
import { dBmToMw, mwToW } from '../../models/units.ts';
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { queryChained } from '../properties/chain.ts';
import { BOOLEAN, INTEGER, NM_PLAIN, PLAIN_NUMBER } from '../properties/codecs.ts';
import { InvalidSettingError } from '../properties/errors.ts';
import { parseIdentity } from '../properties/identity.ts';
import { bindProperties, parseReply } from '../properties/property.ts';
import type { BoundProperties } from '../properties/property.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import { checkSweepSpan, stepWavelengths_nm } from '../roles/tunable-laser.ts';
import type { LaserLimits, SweepCheck, SweepConfig, TriggerOutput, TunableLaser } from '../roles/tunable-laser.ts';
import { readingToDbm } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { queryInNanometres, readSantecLimits, useNanometres } from './santec-tsl-limits.ts';
import { fetchSantecLog_nm } from './santec-tsl-log.ts';
import { SANTEC_TSL_MODEL, parseSantecOptions } from './santec-tsl-model.ts';
import { readAlerts, useLegacyCommands, waitOperationComplete } from './santec-tsl-mode.ts';
import { SANTEC_MODE, SANTEC_POWER_UNIT, SANTEC_TRIGGER_OUTPUT, santecSpeed, santecTable } from './santec-tsl-table.ts';

export const SANTEC_TSL = 'santec-tsl';
/** How long switching the LD on may take to settle; a cold TSL warms up for minutes, not milliseconds. */
export const LD_WARM_UP_S = 300;

/** The sweep registers as read back from the laser. */
export interface SantecSweepRegisters {
  mode: number;
  start_nm: number;
  stop_nm: number;
  step_nm: number;
  speed_nm_s: number;
  trigger: TriggerOutput;
  triggerStep_nm: number;
  cycles: number;
}

export class SantecTslLaser implements TunableLaser {
  readonly kind = 'laser' as const;
  readonly driverName = SANTEC_TSL;
  readonly session: ScpiSession;
  readonly model: string;
  readonly limits: LaserLimits;
  readonly props: BoundProperties<ReturnType<typeof santecTable>>;

  constructor(session: ScpiSession, model: string, limits: LaserLimits) {
    this.session = session;
    this.model = model;
    this.limits = limits;
    this.props = bindProperties(session, santecTable(() => this.limits));
  }

  /** Identifies the laser, puts its wavelength unit to nm, and asks it for its limits (narrowed by the bench file). */
  static async create(ctx: DriverContext): Promise<SantecTslLaser> {
    const options = parseSantecOptions(SANTEC_TSL, ctx.options);
    const { model } = parseIdentity(await ctx.session.query('*IDN?'));
    await useLegacyCommands(ctx.session);
    await useNanometres(ctx.session);
    return new SantecTslLaser(ctx.session, model, await readSantecLimits(ctx.session, SANTEC_TSL, model, options));
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  setWavelength_nm(wavelength_nm: number): Promise<void> {
    return this.props.wavelength_nm.set(wavelength_nm);
  }

  /** In nm even if the laser was switched to THz since it was opened (one round trip with the unit). */
  async wavelength_nm(): Promise<number> {
    const [reply = ''] = await queryInNanometres(this.session, [':WAV?']);
    return parseReply(this.session.resource, ':WAV?', reply, NM_PLAIN);
  }

  /** Validated in dBm, then sent in the unit the laser is set to (dBm or mW). */
  async setPower_dBm(power_dBm: number): Promise<void> {
    const { min, max } = this.limits.power_dBm;
    if (!(Number.isFinite(power_dBm) && power_dBm >= min && power_dBm <= max)) {
      throw new InvalidSettingError(this.session.resource, 'power_dBm', power_dBm, `a number within ${min}…${max} dBm`);
    }
    const unit = await this.props.powerUnit.get();
    const value = unit === 'mW' ? dBmToMw(power_dBm) : power_dBm;
    await writeChecked(this.session, `:POW ${PLAIN_NUMBER.format(Number(value.toPrecision(6)))}`);
  }

  /** The power setting in dBm, whatever the display unit (one round trip). */
  async power_dBm(): Promise<number> {
    const queries = [':POW:UNIT?', ':POW?'];
    const [unitReply = '', valueReply = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    const unit = parseReply(this.session.resource, command, unitReply, SANTEC_POWER_UNIT);
    const value = parseReply(this.session.resource, command, valueReply, PLAIN_NUMBER);
    return unit === 'mW' ? readingToDbm(mwToW(value)) : value;
  }

  /**
   * On: diode on (if it was off) and its warm-up waited for, then shutter open. Off: shutter closed. The
   * warm-up (alert No23.) takes up to a few minutes from cold, so the wait is LD_WARM_UP_S, not a read timeout.
   */
  async setOutput(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') throw new InvalidSettingError(this.session.resource, 'output', on, 'true or false');
    if (on) {
      if (!(await this.props.diodeOn.get())) {
        await this.props.diodeOn.set(true);
        await waitOperationComplete(this.session, LD_WARM_UP_S, 'the laser diode warm-up');
      }
      await this.props.shutterClosed.set(false);
    } else {
      await this.props.shutterClosed.set(true);
    }
  }

  async output(): Promise<boolean> {
    const queries = [':POW:STAT?', ':POW:SHUT?'];
    const [diode = '', shutter = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    return parseReply(this.session.resource, command, diode, BOOLEAN) && !parseReply(this.session.resource, command, shutter, BOOLEAN);
  }

  waitSettled(timeout_s = 10): Promise<void> {
    return waitOperationComplete(this.session, timeout_s, 'tuning');
  }

  /** The alerts the laser has queued (santec-tsl-mode.ts), e.g. `No07.,Inter lock detection`; [] when none. */
  alerts(): Promise<string[]> {
    return readAlerts(this.session);
  }

  /** One-way, one cycle; the trigger step is the sweep's step. Everything is validated before anything is sent. */
  async configureSweep(config: SweepConfig): Promise<void> {
    const { start_nm, stop_nm, step_nm, speed_nm_s, mode, logWavelengths, triggerOutput } = config;
    checkSweepSpan(this.session.resource, config);
    if (typeof logWavelengths !== 'boolean') {
      throw new InvalidSettingError(this.session.resource, 'configureSweep.logWavelengths', logWavelengths, 'true or false');
    }
    const modeCode = SANTEC_MODE[mode];
    if (modeCode === undefined) throw new InvalidSettingError(this.session.resource, 'configureSweep.mode', mode, 'continuous or step');
    const p = this.props;
    const commands = [
      p.sweepMode.command(modeCode),
      p.sweepStart_nm.command(start_nm),
      p.sweepStop_nm.command(stop_nm),
      p.sweepStep_nm.command(step_nm),
      p.triggerStep_nm.command(step_nm),
      p.sweepSpeed_nm_s.command(speed_nm_s),
      p.sweepCycles.command(1),
      p.triggerOutput.command(triggerOutput),
    ];
    for (const command of commands) await writeChecked(this.session, command);
  }

  /** The sweep registers, read back in one round trip (in nm, like wavelength_nm()). */
  async sweepRegisters(): Promise<SantecSweepRegisters> {
    const queries = [':WAV:SWE:MOD?', ':WAV:SWE:STAR?', ':WAV:SWE:STOP?', ':WAV:SWE:STEP?', ':WAV:SWE:SPE?', ':TRIG:OUTP?', ':TRIG:OUTP:STEP?', ':WAV:SWE:CYCL?'];
    const r = await queryInNanometres(this.session, queries);
    const command = queries.join(';');
    const num = (i: number, codec = PLAIN_NUMBER): number => parseReply(this.session.resource, command, r[i] as string, codec);
    return {
      mode: num(0, INTEGER), start_nm: num(1, NM_PLAIN), stop_nm: num(2, NM_PLAIN), step_nm: num(3, NM_PLAIN), speed_nm_s: num(4),
      trigger: parseReply(this.session.resource, command, r[5] as string, SANTEC_TRIGGER_OUTPUT),
      triggerStep_nm: num(6, NM_PLAIN), cycles: num(7, INTEGER),
    };
  }

  async checkSweep(): Promise<SweepCheck> {
    return checkSantecSweep(await this.sweepRegisters(), this.limits);
  }

  async expectedTriggers(): Promise<number> {
    return triggerGrid_nm(await this.sweepRegisters()).length;
  }

  startSweep(): Promise<void> {
    return writeChecked(this.session, ':WAV:SWE 1');
  }

  stopSweep(): Promise<void> {
    return writeChecked(this.session, ':WAV:SWE 0');
  }

  async sweepRunning(): Promise<boolean> {
    return (await this.props.sweepStatus.get()) !== 0;
  }

  waitSweep(timeout_s: number): Promise<void> {
    return pollUntilOrStop({
      resource: this.session.resource, what: 'the wavelength sweep', timeout_s,
      done: async () => !(await this.sweepRunning()),
      stop: () => writeTolerant(this.session, ':WAV:SWE 0'),
    });
  }

  /**
   * The wavelength the laser measured at each trigger pulse of its last sweep (it logs a continuous sweep
   * with step triggers, whatever `logWavelengths` says); [] when it logged none.
   */
  fetchWavelengthLog_nm(): Promise<number[]> {
    return fetchSantecLog_nm(this.session);
  }

  /** Stops any sweep, closes the shutter and reads the state back. */
  safe(): Promise<void> {
    return runSafeSteps(this.session.resource, [
      ['stop the sweep', () => writeTolerant(this.session, ':WAV:SWE 0')],
      ['close the shutter', () => writeTolerant(this.session, ':POW:SHUT 1')],
      ['confirm no light leaves the laser', async () => {
        if (await this.output()) throw new Error('the laser still reports its diode on and its shutter open');
      }],
    ]);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

/** The checks the TSL applies when a sweep starts, made before it is started. */
export function checkSantecSweep(r: SantecSweepRegisters, limits: LaserLimits): SweepCheck {
  const fail = (reason: string): SweepCheck => ({ ok: false, code: null, reason });
  if (!(r.stop_nm > r.start_nm)) return fail(`stop (${r.stop_nm} nm) must be above start (${r.start_nm} nm)`);
  const { min, max } = limits.wavelength_nm;
  if (r.start_nm < min || r.stop_nm > max) return fail(`${r.start_nm}…${r.stop_nm} nm is outside the laser's ${min}…${max} nm`);
  const continuous = r.mode === 1 || r.mode === 3;
  const step = continuous ? r.triggerStep_nm : r.step_nm;
  if (!(step > 0) || step > r.stop_nm - r.start_nm) return fail(`step ${step} nm must be > 0 and no larger than the span`);
  const speedProblem = santecSpeed(() => limits.speed_nm_s)(r.speed_nm_s);
  if (continuous && speedProblem !== null) return fail(`speed ${r.speed_nm_s} nm/s: expected ${speedProblem}`);
  return { ok: true };
}

/** Nominal wavelength of each trigger pulse of a sweep, in order (both legs of a two-way sweep, every cycle). */
export function triggerGrid_nm(r: SantecSweepRegisters): number[] {
  if (r.trigger === 'disabled' || !(r.stop_nm > r.start_nm)) return [];
  if (r.trigger === 'start') return [r.start_nm];
  if (r.trigger === 'stop') return [r.mode >= 2 ? r.start_nm : r.stop_nm];
  const continuous = r.mode === 1 || r.mode === 3;
  const up = stepWavelengths_nm({ start_nm: r.start_nm, stop_nm: r.stop_nm, step_nm: continuous ? r.triggerStep_nm : r.step_nm });
  const leg = r.mode >= 2 ? [...up, ...[...up].reverse()] : up;
  return Array.from({ length: Math.max(1, r.cycles) }, () => leg).flat();
}

export const santecTslDescriptor: DriverDescriptor<SantecTslLaser> = {
  name: SANTEC_TSL,
  kind: 'laser',
  description: 'Santec TSL-570/550/710/770 tunable laser',
  // CR both ways: QMI's TSL-570 driver (command and response terminator '\r') and Santec's python-samples.
  sessionDefaults: { readTermination: '\r', writeTermination: '\r', timeout_ms: 5000 },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return /^santec/i.test(manufacturer) && SANTEC_TSL_MODEL.test(model);
  },
  checkOptions(options) {
    parseSantecOptions(SANTEC_TSL, options);
  },
  create: (ctx) => SantecTslLaser.create(ctx),
};
