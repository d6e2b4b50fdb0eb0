// An optional stage capability: a trigger output that pulses when an axis starts moving, cabled to the
// meter's trigger input, so a fly scan's log starts with the motion by hardware, not by the host's guess
// of when two commands took effect. A bench has it when its bench file says which output is cabled
// (e.g. the PI GCS driver's `options: { trigger_output: 1 }`).
import type { Stage } from './stage.ts';

export interface MotionStartTrigger {
  /** The controller's output number cabled to the meter's trigger input (from the bench file). */
  readonly triggerOutput: number;
  /** Makes that output pulse (a rising edge) the instant `axis` next starts a move; idempotent and cheap when already armed for it. */
  armMotionStartTrigger(axis: string): Promise<void>;
}

export function motionStartTrigger(stage: Stage): MotionStartTrigger | undefined {
  const s = stage as Partial<MotionStartTrigger>;
  return typeof s.armMotionStartTrigger === 'function' && typeof s.triggerOutput === 'number' ? (stage as Stage & MotionStartTrigger) : undefined;
}
