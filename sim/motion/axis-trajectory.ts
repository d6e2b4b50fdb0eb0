// The history and planned future of one axis: a time-ordered list of moves, each a motor profile plus
// what the mechanics add on top of it. Everything is a function of bench time, so the optics can ask
// where the fiber really was at any instant, and a stop or a new target only ever changes the future.
//
// Three positions per instant:
// - motor: the commanded trajectory (what the servo follows);
// - reported: the encoder readback — the motor position quantised to the encoder resolution, at rest
//   the target ± the count the servo settled on;
// - true: where the fiber array is — the motor position through the mechanical play (backlash), plus
//   the move's repeatability error, blended in as the move progresses.
import type { Profile } from './profile.ts';
import { sampleProfile } from './profile.ts';

export type MoveKind = 'move' | 'home';

export interface Move {
  readonly kind: MoveKind;
  profile: Profile;
  /** The profile as planned, before a stall cut it short (what an un-stall restores). */
  readonly planned: Profile;
  /** The controller's target: where it is going (after a stop, where it stopped). */
  target_um: number;
  /** Bench time the controller reports the move done / on target; Infinity while the axis is stalled. */
  doneAt_s: number;
  /** Where a busy poll in fast mode jumps to (finite even for a stalled axis). */
  pollUntil_s: number;
  stalled: boolean;
  /** Backlash state: load position when the move began. */
  readonly loadStart_um: number;
  readonly direction: -1 | 0 | 1;
  /** Distance of the move as planned; the repeatability error is blended in along it. */
  readonly plannedDistance_um: number;
  readonly errorStart_um: number;
  readonly errorEnd_um: number;
  /** Encoder counts the servo settles off the target, times the resolution. */
  readonly servoOffset_um: number;
}

/** An axis at rest: what a new move starts from. */
export interface RestState {
  readonly motor_um: number;
  readonly load_um: number;
  readonly error_um: number;
}

/** Older moves are folded into the base state; lookups before it answer the base state. */
const MAX_MOVES = 4096;

export class AxisTrajectory {
  private readonly moves: Move[] = [];
  private base: RestState & { readonly servoOffset_um: number };

  constructor(
    initial_um: number,
    readonly backlash_um: number,
    readonly encoderResolution_um: number,
    /** The servo's following lag: the load and the encoder run the motor profile this much later, s. */
    readonly lag_s = 0,
  ) {
    // Powered up after an approach from below: the play is taken up on the positive side.
    this.base = { motor_um: initial_um, load_um: initial_um - backlash_um / 2, error_um: 0, servoOffset_um: 0 };
  }

  /** The move in effect at `t_s` (the latest one started at or before t), if any. */
  moveAt(t_s: number): Move | undefined {
    let lo = 0;
    let hi = this.moves.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.moves[mid] as Move).profile.start_s <= t_s) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 ? this.moves[found] : undefined;
  }

  last(): Move | undefined {
    return this.moves[this.moves.length - 1];
  }

  /** Drops moves planned to start after `t_s` (a stop or a new command supersedes them). */
  dropAfter(t_s: number): Move[] {
    const dropped: Move[] = [];
    while (this.moves.length > 0 && (this.moves[this.moves.length - 1] as Move).profile.start_s > t_s) {
      dropped.unshift(this.moves.pop() as Move);
    }
    return dropped;
  }

  append(move: Move): void {
    this.moves.push(move);
    if (this.moves.length > MAX_MOVES) {
      const folded = this.moves.splice(0, MAX_MOVES / 2);
      const lastFolded = folded[folded.length - 1] as Move;
      const end = lastFolded.profile.end_s;
      this.base = {
        motor_um: lastFolded.profile.to_um,
        load_um: loadAt(lastFolded, end, this.backlash_um),
        error_um: errorAt(lastFolded, lastFolded.profile.to_um),
        servoOffset_um: lastFolded.servoOffset_um,
      };
    }
  }

  motor_um(t_s: number): number {
    const m = this.moveAt(t_s);
    return m ? sampleProfile(m.profile, t_s).position_um : this.base.motor_um;
  }

  velocity_um_s(t_s: number): number {
    const m = this.moveAt(t_s);
    return m ? sampleProfile(m.profile, t_s).velocity_um_s : 0;
  }

  /** Where the fiber array really is: backlash and repeatability included. */
  true_um(at_s: number): number {
    const t_s = at_s - this.lag_s;
    const m = this.moveAt(t_s);
    if (!m) return this.base.load_um + this.base.error_um;
    const motor = sampleProfile(m.profile, t_s).position_um;
    return loadAt(m, t_s, this.backlash_um, motor) + errorAt(m, motor);
  }

  /** The encoder readback. */
  reported_um(at_s: number): number {
    const t_s = at_s - this.lag_s;
    const m = this.moveAt(t_s);
    if (!m) return this.quantise(this.base.motor_um + this.base.servoOffset_um);
    const motor = sampleProfile(m.profile, t_s).position_um;
    const atRest = t_s >= m.profile.end_s && !m.stalled;
    return this.quantise(motor + (atRest ? m.servoOffset_um : 0));
  }

  /** The mechanical state at `t_s`, for a move starting then. */
  restStateAt(t_s: number): RestState {
    const m = this.moveAt(t_s);
    if (!m) return this.base;
    const motor = sampleProfile(m.profile, t_s).position_um;
    return { motor_um: motor, load_um: loadAt(m, t_s, this.backlash_um, motor), error_um: errorAt(m, motor) };
  }

  private quantise(x_um: number): number {
    const counts = Math.round(x_um / this.encoderResolution_um);
    // Trim binary noise (0.01 µm steps are not exact in floating point).
    return Number((counts * this.encoderResolution_um).toFixed(9));
  }
}

/**
 * The play operator: the load stays put until the motor has taken up the slack on the side it pushes.
 * Each move is monotone, so within a move this is a clamp against the load at the move's start.
 */
function loadAt(m: Move, t_s: number, backlash_um: number, motor_um = sampleProfile(m.profile, t_s).position_um): number {
  const half = backlash_um / 2;
  if (m.direction > 0) return Math.max(m.loadStart_um, motor_um - half);
  if (m.direction < 0) return Math.min(m.loadStart_um, motor_um + half);
  return m.loadStart_um;
}

function errorAt(m: Move, motor_um: number): number {
  if (m.plannedDistance_um === 0) return m.errorStart_um;
  const progress = Math.min(1, Math.abs(motor_um - m.profile.from_um) / m.plannedDistance_um);
  return m.errorStart_um + (m.errorEnd_um - m.errorStart_um) * progress;
}
