// What differs between stage controllers: the wire protocol for a handful of per-axis operations, on
// controller axis numbers and in µm (a protocol in mm converts at its edge). Everything the Stage role adds
// on top — logical axis names, soft limits, argument checks, waiting with a timeout — lives in AxisStage.
import type { ScpiSession } from '../session/scpi-session.ts';

export interface StageProtocol {
  readonly session: ScpiSession;
  /** The controller's identity (`*IDN?`, or the dialect's own query), trimmed. */
  identify(): Promise<string>;
  /** Reads and drops errors left in the controller from before this session, so none is blamed on our commands. */
  clearErrors(): Promise<void>;
  /** Switches the servos/motors of `axes` on, so moves are accepted; moves nothing. */
  enable(axes: readonly number[]): Promise<void>;
  /** Absolute moves, all started together where the dialect allows it. */
  moveAbsolute(moves: readonly { axis: number; target_um: number }[]): Promise<void>;
  moveRelative(moves: readonly { axis: number; delta_um: number }[]): Promise<void>;
  /** The position the controller is heading for (= where it stands when idle). */
  target_um(axis: number): Promise<number>;
  position_um(axis: number): Promise<number>;
  /** Optional: the positions of several axes in one exchange (PI GCS `POS? 1 2`), in `axes` order. */
  positions_um?(axes: readonly number[]): Promise<number[]>;
  /** One poll of the dialect's motion-done query. */
  isMoving(axis: number): Promise<boolean>;
  home(axis: number): Promise<void>;
  setVelocity_um_s(axis: number, velocity_um_s: number): Promise<void>;
  /** Optional: several axes' velocities in one command (PI GCS `VEL 1 v 2 v`). */
  setVelocities_um_s?(values: readonly { axis: number; velocity_um_s: number }[]): Promise<void>;
  velocity_um_s(axis: number): Promise<number>;
  /** Optional: several axes' velocities, and accelerations, each in one exchange (PI GCS `VEL? 1 2`, `ACC? 1 2`), in `axes` order. */
  velocities_um_s?(axes: readonly number[]): Promise<number[]>;
  accelerations_um_s2?(axes: readonly number[]): Promise<number[]>;
  /** Acceleration and, where the controller keeps one apart, deceleration (µm/s²). */
  setAcceleration_um_s2(axis: number, acceleration_um_s2: number): Promise<void>;
  acceleration_um_s2(axis: number): Promise<number>;
  /** Optional: the highest velocity / acceleration the controller accepts on `axis`, from its own query. */
  maxVelocity_um_s?(axis: number): Promise<number>;
  maxAcceleration_um_s2?(axis: number): Promise<number>;
  /** Stops the given axes (decelerating where the dialect can). */
  stop(axes: readonly number[]): Promise<void>;
  /** The controller's one command that stops every axis it has, bench-file axes or not. */
  stopAll(): Promise<void>;
}
