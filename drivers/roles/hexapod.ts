// The Hexapod role: a six-axis stage whose pose (X Y Z in µm, U V W in degrees, rotations about a
// pivot point) is commanded as one coordinated move. It is also a Stage for X Y Z, so every step that
// moves a stage moves it. Soft limits hold in pose space (each of the six axes) and the controller's
// own reachability check (`VMO?`) is asked before any pose move: both refusals happen before anything moves.
import type { Stage } from './stage.ts';

export const POSE_AXIS_NAMES = ['X', 'Y', 'Z', 'U', 'V', 'W'] as const;
export type PoseAxisName = (typeof POSE_AXIS_NAMES)[number];
/** A pose or part of one: X Y Z in µm, U V W in degrees. */
export type PoseValues = Record<PoseAxisName, number>;

export interface PoseLimits {
  min: number;
  max: number;
}

/** Positions the controller's data recorder took on its own clock from a move's start. */
export interface RecordedLine {
  axis: PoseAxisName;
  sampleTime_s: number;
  /** µm (X Y Z) or ° (U V W), oldest first; point k at k·sampleTime_s after the move started. */
  values: number[];
}

export interface Hexapod extends Stage {
  readonly hexapod: true;
  /** Soft limits of each pose axis (X Y Z µm from the bench file's axes, U V W ° from `rotation_limits_deg`). */
  readonly poseLimits: Readonly<Record<PoseAxisName, PoseLimits>>;
  /** The fiber array's loopback pairs (bench file option), 1-based fiber numbers. */
  readonly loopbacks: readonly (readonly [number, number])[];
  /** Where the platform is: POS? of all six axes. */
  pose(): Promise<PoseValues>;
  /** Where it is heading (= where it stands when idle): MOV? of all six axes. */
  targetPose(): Promise<PoseValues>;
  /** `VMO?`: whether the controller can reach this pose (the rest as the current target); moves nothing. */
  isReachable(target: Partial<PoseValues>): Promise<boolean>;
  /**
   * Starts a coordinated move to `target` (axes not named keep their target). Refused before anything is
   * sent with PoseLimitError (an axis outside its soft limits) or UnreachablePoseError (VMO? says no,
   * naming the axis whose change alone is unreachable when there is one, and the pivot).
   */
  movePose(target: Partial<PoseValues>): Promise<void>;
  /** Pivot point R S T in platform coordinates, µm (SPI?). */
  pivot_um(): Promise<[number, number, number]>;
  /** SPI: the controller refuses (GCS error 9) unless U V W are all 0. */
  setPivot_um(pivot: readonly [number, number, number]): Promise<void>;
  /** The digital output cabled to the meter's trigger input (bench file), or undefined when none is. */
  readonly triggerOutput: number | undefined;
  /** Arms that output to rise when the platform next starts a move (see MotionStartTrigger). */
  armMotionStartTrigger(axis: string): Promise<void>;
  /** The next arm (and recorder set-up) sends its whole configuration again: the controller's may no longer be what was last set. */
  forgetArming(): void;
  /** Makes the data recorder record `axis` from the next move on. */
  recordAxis(axis: PoseAxisName): Promise<void>;
  /** What the data recorder took of `axis` since the last move started (at most `points`). */
  recordedLine(axis: PoseAxisName, points: number): Promise<RecordedLine>;
}

export function isHexapod(stage: unknown): stage is Hexapod {
  return typeof stage === 'object' && stage !== null && (stage as { hexapod?: unknown }).hexapod === true;
}

function unitOf(axis: string): string {
  return 'XYZ'.includes(axis) ? 'µm' : '°';
}

/** A pose axis target outside the bench file's soft limits; nothing was sent. */
export class PoseLimitError extends Error {
  override name = 'PoseLimitError';
  constructor(
    readonly role: string,
    readonly axis: PoseAxisName,
    readonly target: number,
    readonly limits: PoseLimits,
  ) {
    const u = unitOf(axis);
    super(`${role}: pose move refused: ${axis} = ${target} ${u} is outside its soft limits [${limits.min}, ${limits.max}] ${u} (bench file); nothing was sent`);
  }
}

/** The controller says the pose is outside its workspace (VMO? 0); nothing was sent. */
export class UnreachablePoseError extends Error {
  override name = 'UnreachablePoseError';
  constructor(
    readonly role: string,
    readonly target: PoseValues,
    /** The axis whose change alone is already unreachable, or null when only the combination is. */
    readonly axis: PoseAxisName | null,
    readonly pivot_um: readonly [number, number, number],
  ) {
    const pose = POSE_AXIS_NAMES.map((a) => `${a} ${round(target[a])} ${unitOf(a)}`).join(', ');
    const which = axis === null
      ? 'no single axis is out of reach, their combination is'
      : `moving ${axis} to ${round(target[axis])} ${unitOf(axis)} alone is already out of reach`;
    super(`${role}: pose move refused: the hexapod's workspace (VMO?) does not hold ${pose} about the pivot ` +
      `R ${pivot_um[0]} S ${pivot_um[1]} T ${pivot_um[2]} µm; ${which}; nothing was sent`);
  }
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
