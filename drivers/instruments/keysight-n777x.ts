// Keysight N777xC / 8160x tunable lasers: wavelength, power, output, the continuous sweep with lambda
// logging and the trigger output that clocks a power meter's log. After a sweep the laser rests at the
// sweep's start wavelength (the 816x/N777x sweep cycle), not at the wavelength it had before.
import type { DriverContext, DriverDescriptor } from '../driver.ts';
import { ReplyFormatError } from '../errors.ts';
import { queryChained } from '../properties/chain.ts';
import { NM_PER_S_VIA_M_PER_S, PLAIN_NUMBER, POWER_UNIT_01, metresToNm } from '../properties/codecs.ts';
import { DriverOptionError } from '../properties/errors.ts';
import { isKeysightFamily, parseIdentity } from '../properties/identity.ts';
import { bindProperties, parseReply } from '../properties/property.ts';
import type { BoundProperties } from '../properties/property.ts';
import { runSafeSteps, writeTolerant } from '../properties/safe-state.ts';
import { writeChecked } from '../properties/send.ts';
import { transferTimeout_ms } from '../properties/transfer-time.ts';
import { isUnanswered } from '../properties/unanswered.ts';
import type { Range } from '../properties/validators.ts';
import { pollUntilOrStop } from '../properties/wait.ts';
import { checkSweepSpan } from '../roles/tunable-laser.ts';
import type { LaserLimits, SweepCheck, SweepConfig, TunableLaser } from '../roles/tunable-laser.ts';
import { readingToDbm } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { N777X_MODEL, narrowOption, parseN777xOptions, sweepSpeedRange_nm_s } from './keysight-n777x-model.ts';
import type { N777xOptions } from './keysight-n777x-model.ts';
import { LaserLockedError, explainLock, isLocked } from './keysight-n777x-lock.ts';
import { laserTable } from './keysight-n777x-table.ts';
import { LASER_MODULE, LOOP_TRIGGERS, isMainframe, requireModules } from './keysight-816x-mainframe.ts';
import { checkSweepPower, readSweepSpan } from './keysight-n777x-sweep-power.ts';
import { DEFAULT_WARM_UP_S, waitWarmUp } from './keysight-n777x-warmup.ts';
import type { SweepSpan } from './keysight-n777x-sweep-power.ts';

export const KEYSIGHT_N777X = 'keysight-n777x';

export class KeysightN777xLaser implements TunableLaser {
  readonly kind = 'laser' as const;
  readonly driverName = KEYSIGHT_N777X;
  readonly session: ScpiSession;
  readonly model: string;
  readonly limits: LaserLimits;
  readonly props: BoundProperties<ReturnType<typeof laserTable>>;
  /** The address every table entry takes. */
  readonly at: { slot: number };
  /** The 816x mainframe the laser module sits in (its `*IDN?`), or null for a standalone N777xC. */
  readonly mainframe: string | null;
  /** The span of the last configured sweep, for the power check before it starts. */
  private sweepSpan: SweepSpan | null = null;
  /** How long switching on may take to settle, s (bench option `warmUp_s`). */
  warmUp_s = DEFAULT_WARM_UP_S;
  /** Points the configured sweep logs (one per step): the log transfer's timeout grows with them. */
  private logPoints: number | null = null;

  constructor(session: ScpiSession, model: string, slot: number, limits: LaserLimits, mainframe: string | null = null) {
    this.session = session;
    this.model = model;
    this.mainframe = mainframe;
    this.at = { slot };
    this.limits = limits;
    this.props = bindProperties(session, laserTable(() => this.limits));
  }

  /** Identifies the laser and asks it for its wavelength, power and sweep-speed limits (narrowed by the bench file). */
  static async create(ctx: DriverContext): Promise<KeysightN777xLaser> {
    const options = parseN777xOptions(KEYSIGHT_N777X, ctx.options);
    const { model: identified } = parseIdentity(await ctx.session.query('*IDN?'));
    // In an 816x mainframe the module in the slot is the laser: its model sets the speed table.
    const mainframe = isMainframe(identified) ? identified : null;
    const model = mainframe === null ? identified : (await requireModules(ctx.session, mainframe, [options.slot], {
      driver: KEYSIGHT_N777X, option: 'slot', pattern: LASER_MODULE, expected: 'a tunable laser module (8160x, 8168x/8169x, 8194x…8198x)',
    })).get(options.slot) as string;
    const limits = await readLimits(ctx.session, model, options);
    const laser = new KeysightN777xLaser(ctx.session, model, options.slot, limits, mainframe);
    laser.warmUp_s = options.warmUp_s ?? DEFAULT_WARM_UP_S;
    return laser;
  }

  async identify(): Promise<string> {
    return (await this.session.query('*IDN?')).trim();
  }

  setWavelength_nm(wavelength_nm: number): Promise<void> {
    return this.props.wavelength_nm.set(wavelength_nm, this.at);
  }

  wavelength_nm(): Promise<number> {
    return this.props.wavelength_nm.get(this.at);
  }

  setPower_dBm(power_dBm: number): Promise<void> {
    return this.props.power_dBm.set(power_dBm, this.at);
  }

  /** The power setting, converted from whichever unit the laser displays (one round trip). */
  async power_dBm(): Promise<number> {
    const s = this.at.slot;
    const queries = [`:SOUR${s}:POW:UNIT?`, `:SOUR${s}:POW?`];
    const [unitReply = '', valueReply = ''] = await queryChained(this.session, queries);
    const command = queries.join(';');
    const unit = parseReply(this.session.resource, command, unitReply, POWER_UNIT_01);
    const value = parseReply(this.session.resource, command, valueReply, PLAIN_NUMBER);
    return unit === 'W' ? readingToDbm(value) : value;
  }

  /**
   * A locked laser refuses this either way; that refusal is a LaserLockedError (keysight-n777x-lock.ts).
   * Switching on returns once the laser has settled (keysight-n777x-warmup.ts).
   */
  async setOutput(on: boolean): Promise<void> {
    await explainLock(this.session, `switch the output ${on ? 'on' : 'off'}`, () => this.props.output.set(on, this.at));
    if (on) await waitWarmUp(this.session, this.at.slot, this.warmUp_s);
  }

  output(): Promise<boolean> {
    return this.props.output.get(this.at);
  }

  /** `*OPC?` returns once the wavelength and power have settled. */
  waitSettled(timeout_s = 10): Promise<void> {
    return this.session.opc({ timeout_ms: timeout_s * 1000 });
  }

  /** Validates the whole configuration first (nothing is sent if any part is refused), then sends it. */
  async configureSweep(config: SweepConfig): Promise<void> {
    const { start_nm, stop_nm, step_nm, speed_nm_s, mode, logWavelengths, triggerOutput } = config;
    checkSweepSpan(this.session.resource, config);
    const p = this.props;
    const commands = [
      p.sweepMode.command(mode, this.at),
      p.sweepRepeat.command('one-way', this.at),
      p.sweepCycles.command(1, this.at),
      p.sweepStart_nm.command(start_nm, this.at),
      p.sweepStop_nm.command(stop_nm, this.at),
      p.sweepStep_nm.command(step_nm, this.at),
      p.sweepSpeed_nm_s.command(speed_nm_s, this.at),
      p.lambdaLogging.command(logWavelengths, this.at),
      p.triggerOutput.command(triggerOutput, this.at),
      // Inside an 816x the meter modules see the laser's trigger only when the mainframe loops it back.
      ...(this.mainframe !== null && triggerOutput !== 'disabled' ? [LOOP_TRIGGERS] : []),
    ];
    for (const command of commands) await writeChecked(this.session, command);
    this.sweepSpan = { start_nm, stop_nm };
    this.logPoints = Math.floor((stop_nm - start_nm) / step_nm + 1e-9) + 1;
  }

  /** `:WAV:SWE:CHEC?` → `0,OK` or `<code>,<reason>`. */
  async checkSweep(): Promise<SweepCheck> {
    const command = `:SOUR${this.at.slot}:WAV:SWE:CHEC?`;
    const reply = await this.session.query(command);
    return parseSweepCheck(this.session.resource, command, reply);
  }

  expectedTriggers(): Promise<number> {
    return this.props.expectedTriggers.get(this.at);
  }

  /** Refuses to start when the power setting exceeds what the laser holds over the sweep (`:WAV:SWE:PMAX?`). */
  async startSweep(): Promise<void> {
    const span = this.sweepSpan ?? await readSweepSpan(this.session, this.at.slot);
    await checkSweepPower(this.session, this.at.slot, span);
    await writeChecked(this.session, `:SOUR${this.at.slot}:WAV:SWE STAR`);
  }

  stopSweep(): Promise<void> {
    return writeChecked(this.session, `:SOUR${this.at.slot}:WAV:SWE STOP`);
  }

  async sweepRunning(): Promise<boolean> {
    return (await this.props.sweepState.get(this.at)) !== 0;
  }

  waitSweep(timeout_s: number): Promise<void> {
    return pollUntilOrStop({
      resource: this.session.resource, what: 'the wavelength sweep', timeout_s,
      done: async () => !(await this.sweepRunning()),
      stop: () => writeTolerant(this.session, `:SOUR${this.at.slot}:WAV:SWE STOP`),
    });
  }

  async fetchWavelengthLog_nm(): Promise<number[]> {
    // 8 bytes a point over the link plus a 0.5 s margin for the laser; unknown (a sweep configured
    // elsewhere): a million points, the most these lasers log.
    const timeout_ms = transferTimeout_ms(this.session, 8 * (this.logPoints ?? 1_000_000), 0.5);
    const log_m = await this.session.queryFloats(`:SOUR${this.at.slot}:READ:DATA? LLOG`, { type: 'float64', byteOrder: 'little', timeout_ms });
    return log_m.map(metresToNm);
  }

  /** Stops any sweep, switches the output off and reads the state back: a laser is an eye hazard. */
  safe(): Promise<void> {
    const s = this.at.slot;
    return runSafeSteps(this.session.resource, [
      ['stop the sweep', () => writeTolerant(this.session, `:SOUR${s}:WAV:SWE STOP`)],
      ['switch the output off', () => writeTolerant(this.session, `:SOUR${s}:POW:STAT 0`)],
      ['confirm the output is off', async () => {
        if (!(await this.output())) return;
        if (await isLocked(this.session)) throw new LaserLockedError(this.session.resource, 'switch the output off');
        throw new Error('the laser still reports its output on');
      }],
    ]);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

const CHECK_REPLY = /^\s*([+-]?\d+)\s*,\s*"?(.*?)"?\s*$/;

export function parseSweepCheck(resource: string, command: string, reply: string): SweepCheck {
  const m = CHECK_REPLY.exec(reply);
  if (!m) throw new ReplyFormatError(resource, command, reply, "'<code>,<reason>', e.g. 0,OK");
  const code = Number(m[1]);
  return code === 0 ? { ok: true } : { ok: false, code, reason: m[2] ?? '' };
}

async function readLimits(session: ScpiSession, model: string, options: N777xOptions): Promise<LaserLimits> {
  const s = options.slot;
  const queries = [`:SOUR${s}:WAV? MIN`, `:SOUR${s}:WAV? MAX`, `:SOUR${s}:POW:UNIT?`, `:SOUR${s}:POW? MIN`, `:SOUR${s}:POW? MAX`];
  const command = queries.join(';');
  let replies: string[];
  try {
    replies = await queryChained(session, queries);
  } catch (err) {
    if (!isUnanswered(err)) throw err;
    const { wavelengthRange_nm: w, powerRange_dBm: p } = options;
    // A laser that cannot report its limits is driven within the bench file's, and never without them;
    // it will not report its sweep speeds either (not asked: it would cost another reply timeout).
    const speed_nm_s = sweepSpeedRange_nm_s(model);
    if (w && p) return { wavelength_nm: { min: w[0], max: w[1] }, power_dBm: { min: p[0], max: p[1] }, speed_nm_s };
    throw new DriverOptionError(KEYSIGHT_N777X, w ? 'powerRange_dBm' : 'wavelengthRange_nm',
      `is needed: ${session.resource} (${model}) did not report its limits (${err.message}); give both wavelengthRange_nm and powerRange_dBm`);
  }
  const num = (i: number): number => parseReply(session.resource, command, replies[i] as string, PLAIN_NUMBER);
  const unit = parseReply(session.resource, command, replies[2] as string, POWER_UNIT_01);
  const dBm = (v: number): number => (unit === 'W' ? readingToDbm(v) : v);
  const wavelength_nm = { min: metresToNm(num(0)), max: metresToNm(num(1)) };
  const power_dBm = { min: dBm(num(3)), max: dBm(num(4)) };
  const speed_nm_s = await readSpeedLimits(session, model, s);
  return {
    wavelength_nm: narrowOption(KEYSIGHT_N777X, 'wavelengthRange_nm', 'nm', wavelength_nm, options.wavelengthRange_nm),
    power_dBm: narrowOption(KEYSIGHT_N777X, 'powerRange_dBm', 'dBm', power_dBm, options.powerRange_dBm),
    speed_nm_s,
  };
}

/**
 * `:WAV:SWE:SPE? MIN|MAX` (m/s), asked apart from the other limits so that firmware without it still
 * reports those; the model table stands in when it is not answered.
 */
async function readSpeedLimits(session: ScpiSession, model: string, slot: number): Promise<Range> {
  const queries = [`:SOUR${slot}:WAV:SWE:SPE? MIN`, `:SOUR${slot}:WAV:SWE:SPE? MAX`];
  let replies: string[];
  try {
    replies = await queryChained(session, queries);
  } catch (err) {
    if (isUnanswered(err)) return sweepSpeedRange_nm_s(model);
    throw err;
  }
  const command = queries.join(';');
  const [min = '', max = ''] = replies;
  return { min: parseReply(session.resource, command, min, NM_PER_S_VIA_M_PER_S), max: parseReply(session.resource, command, max, NM_PER_S_VIA_M_PER_S) };
}

export const keysightN777xDescriptor: DriverDescriptor<KeysightN777xLaser> = {
  name: KEYSIGHT_N777X,
  kind: 'laser',
  description: 'Keysight N777xC / 8160x tunable laser source',
  sessionDefaults: { readTermination: '\n', writeTermination: '\n', timeout_ms: 5000 },
  matchesIdentity(identity) {
    const { manufacturer, model } = parseIdentity(identity);
    return isKeysightFamily(manufacturer) && N777X_MODEL.test(model);
  },
  checkOptions(options) {
    parseN777xOptions(KEYSIGHT_N777X, options);
  },
  create: (ctx) => KeysightN777xLaser.create(ctx),
};
