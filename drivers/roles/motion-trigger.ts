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
  /** The next arm sends the whole configuration again: the controller's may no longer be what was last set. */
  forgetArming(): void;
}

/**
 * Calls `forget` whenever the session reports a fault: a lost link (the controller may have restarted and
 * lost its trigger configuration) or a resynchronisation after a timeout (a configuration command held by
 * a stall may have been carried out late, or not at all). Returns the function that stops listening.
 */
export function forgetArmingOnFaults(session: unknown, forget: () => void): () => void {
  const s = session as { on?: (e: string, l: () => void) => unknown; off?: (e: string, l: () => void) => unknown };
  if (typeof s.on !== 'function') return () => {};
  const listener = (): void => forget();
  s.on('lost', listener);
  s.on('recovered', listener);
  return () => {
    s.off?.('lost', listener);
    s.off?.('recovered', listener);
  };
}

export function motionStartTrigger(stage: Stage): MotionStartTrigger | undefined {
  const s = stage as Partial<MotionStartTrigger>;
  return typeof s.armMotionStartTrigger === 'function' && typeof s.triggerOutput === 'number' ? (stage as Stage & MotionStartTrigger) : undefined;
}
