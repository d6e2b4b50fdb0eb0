// The SCPI motion controller (role 'stage', the simulator's default stage), a front end of the shared
// StageMotion, on the simulator's SCPI instrument base (488.2 common commands, SYST:ERR? queue).
// Units are µm (a unit suffix such as 5MM or 2500UM is accepted); axis 1 = X, 2 = Y, 3 = Z.
//
//   :AXISn:POSition <µm> | ?        absolute move / encoder position (NR3, µm)
//   :AXISn:POSition:TARGet?         where the axis is going
//   :AXISn:MOVE:RELative <µm>       relative move from the target
//   :AXISn:VELocity <µm/s> | ?      :AXISn:ACCeleration <µm/s²> | ?  (`? MAX` / `? MIN`: the bounds)
//   :AXISn:MOTion?                  1 while moving (a poll: in fast mode it waits the move out)
//   :AXISn:HOME                     :AXISn:HOME:STATe? (1 once referenced)
//   :AXISn:LIMit:LOW? | :HIGH?      hardware travel (µm)
//   :STOP | :AXISn:STOP             decelerate and stop
// Errors: a target outside the travel → -222 (nothing moves); an axis suffix other than 1-3 → -114.
// *OPC? / *WAI wait for every move to finish; *RST stops all axes and restores the default rates.
import { CommandTable, ScpiError, ScpiErrorCode, formatBoolean, formatNR3, parseNumericWithUnit } from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import { MotionParameterError, TravelLimitError } from '../motion/motion-errors.ts';
import { AXES } from '../motion/motion-system.ts';
import type { AxisName } from '../motion/motion-system.ts';
import type { StageMotion } from '../motion/stage-motion.ts';
import { ScpiInstrument, noParams, param, suffix } from '../scpi/index.ts';
import { axisForNumber } from './stage-axes.ts';

export const SCPI_STAGE_IDENTITY = 'BENCHSIM,XYZ-25 Motion Controller,SIM00001,1.0.0';

export interface ScpiStageOptions {
  motion: StageMotion;
  commandLatency_s?: number;
}

type Ctx = ScpiStage;

const M_TO_UM = 1e6;

function axisOf(args: HandlerArgs): AxisName {
  return axisForNumber(suffix(args, 0, 1, 3)) as AxisName;
}

/** A number in µm-based units (bare) or with a unit (`5MM`, `2500UM`, `1MM/S`); MIN/MAX → the given bounds. */
function lengthParam(args: HandlerArgs, bounds: { min: number; max: number }, unit: 'M' | 'M/S' | 'M/S2'): number {
  const token = param(args);
  const word = token.trim().toUpperCase();
  if (word === 'MIN' || word === 'MINIMUM') return bounds.min;
  if (word === 'MAX' || word === 'MAXIMUM') return bounds.max;
  const { value, unit: given } = parseNumericWithUnit(token, [unit]);
  const v = given === undefined ? value : value * M_TO_UM;
  if (!Number.isFinite(v)) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `${args.cmd.header} ${token}: expected a finite number`);
  return v;
}

function moveTo(ctx: Ctx, args: HandlerArgs, axis: AxisName, target_um: number, token: string): undefined {
  try {
    ctx.motion.moveTo(axis, target_um);
  } catch (e) {
    if (!(e instanceof TravelLimitError)) throw e;
    throw new ScpiError(
      ScpiErrorCode.DataOutOfRange,
      `${args.cmd.header} ${token}: target ${target_um} um is outside the travel ${e.min_um} to ${e.max_um} um`,
    );
  }
  return undefined;
}

function setRate(ctx: Ctx, args: HandlerArgs, which: 'velocity' | 'acceleration'): undefined {
  const axis = axisOf(args);
  const c = ctx.motion.config(axis);
  const max = which === 'velocity' ? c.maxVelocity_um_s : c.maxAcceleration_um_s2;
  // MIN: 1 µm/s (µm/s²), the slowest the controller offers.
  const value = lengthParam(args, { min: 1, max }, which === 'velocity' ? 'M/S' : 'M/S2');
  try {
    if (which === 'velocity') ctx.motion.setVelocity(axis, value);
    else ctx.motion.setAcceleration(axis, value);
  } catch (e) {
    if (!(e instanceof MotionParameterError)) throw e;
    const unit = which === 'velocity' ? 'um/s' : 'um/s2';
    throw new ScpiError(ScpiErrorCode.DataOutOfRange, `${args.cmd.header} ${param(args)}: ${which} must be > 0 and <= ${max} ${unit}`);
  }
  return undefined;
}

/** `:AXISn:VEL?` reads the setting; `:AXISn:VEL? MAX` (MIN), SCPI's query of a setting's bounds, what it accepts. */
function rateQuery(ctx: Ctx, args: HandlerArgs, which: 'velocity' | 'acceleration'): string {
  const axis = axisOf(args);
  if (args.params.length === 0) return formatNR3(which === 'velocity' ? ctx.motion.velocity_um_s(axis) : ctx.motion.acceleration_um_s2(axis));
  const word = param(args).trim().toUpperCase();
  const c = ctx.motion.config(axis);
  if (word === 'MAX' || word === 'MAXIMUM') return formatNR3(which === 'velocity' ? c.maxVelocity_um_s : c.maxAcceleration_um_s2);
  if (word === 'MIN' || word === 'MINIMUM') return formatNR3(1);
  throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `${args.cmd.header}? ${param(args)}: expected MIN or MAX`);
}

const COMMANDS = new CommandTable<Ctx>()
  .add(':AXIS#:POSition[?]', (ctx, args) => {
    const axis = axisOf(args);
    if (args.cmd.query) {
      noParams(args);
      return formatNR3(ctx.motion.position_um(axis));
    }
    const { min_um, max_um } = ctx.motion.limits(axis);
    return moveTo(ctx, args, axis, lengthParam(args, { min: min_um, max: max_um }, 'M'), param(args));
  })
  .add(':AXIS#:POSition:TARGet?', (ctx, args) => formatNR3(ctx.motion.target_um(axisOf(args))))
  .add(':AXIS#:MOVE:RELative', (ctx, args) => {
    const axis = axisOf(args);
    const delta = lengthParam(args, { min: -Infinity, max: Infinity }, 'M');
    return moveTo(ctx, args, axis, ctx.motion.target_um(axis) + delta, param(args));
  })
  .add(':AXIS#:VELocity[?]', (ctx, args) => {
    return args.cmd.query ? rateQuery(ctx, args, 'velocity') : setRate(ctx, args, 'velocity');
  })
  .add(':AXIS#:ACCeleration[?]', (ctx, args) => {
    return args.cmd.query ? rateQuery(ctx, args, 'acceleration') : setRate(ctx, args, 'acceleration');
  })
  .add(':AXIS#:MOTion?', async (ctx, args) => {
    const axis = axisOf(args);
    await ctx.motion.pollMotion([axis]);
    return formatBoolean(ctx.motion.isMoving(axis));
  })
  .add(':AXIS#:HOME', (ctx, args) => {
    noParams(args);
    ctx.motion.home(axisOf(args));
    return undefined;
  })
  .add(':AXIS#:HOME:STATe?', (ctx, args) => formatBoolean(ctx.motion.isReferenced(axisOf(args))))
  .add(':AXIS#:LIMit:LOW?', (ctx, args) => formatNR3(ctx.motion.limits(axisOf(args)).min_um))
  .add(':AXIS#:LIMit:HIGH?', (ctx, args) => formatNR3(ctx.motion.limits(axisOf(args)).max_um))
  .add(':AXIS#:STOP', (ctx, args) => {
    noParams(args);
    ctx.motion.stop(axisOf(args), 'decelerate');
    return undefined;
  })
  .add(':STOP', (ctx, args) => {
    noParams(args);
    ctx.motion.stop(undefined, 'decelerate');
    return undefined;
  });

export class ScpiStage extends ScpiInstrument {
  readonly motion: StageMotion;

  constructor(opts: ScpiStageOptions) {
    super({
      role: 'stage',
      identity: SCPI_STAGE_IDENTITY,
      clock: opts.motion.clock,
      ...(opts.commandLatency_s !== undefined ? { commandLatency_s: opts.commandLatency_s } : {}),
    });
    this.motion = opts.motion;
    this.useCommands(COMMANDS, this);
  }

  /** Moves are the operations *OPC? and *WAI wait for (a stalled axis: until its move should have ended). */
  protected override pendingUntil_s(): number {
    return this.motion.busyUntil_s(AXES);
  }

  protected override reset(): void {
    this.motion.stop(undefined, 'decelerate');
    for (const axis of AXES) {
      const c = this.motion.config(axis);
      this.motion.setVelocity(axis, c.velocity_um_s);
      this.motion.setAcceleration(axis, c.acceleration_um_s2);
    }
  }
}
