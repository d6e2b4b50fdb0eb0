// Pause, resume and abort of a run: what checkpoint() waits on. Pausing takes effect at the step's next
// checkpoint (or between steps), and `onHold` says when it has: that is when the run really stands still.
// Aborting wakes anyone paused and fails every later checkpoint.
import { RunAbortedError, type AbortReason } from './errors.ts';

export class RunControl {
  private readonly controller = new AbortController();
  private readonly onHold: (() => void) | undefined;
  private paused = false;
  private waiters: (() => void)[] = [];
  private abortedPromise: Promise<RunAbortedError> | undefined;

  /** `onHold`: a checkpoint starts waiting on a pause (called at each hold, before anything can resume it). */
  constructor(onHold?: () => void) {
    this.onHold = onHold;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  get abortError(): RunAbortedError | undefined {
    return this.aborted ? (this.controller.signal.reason as RunAbortedError) : undefined;
  }

  /** Returns false when already paused (no new event). */
  pause(): boolean {
    if (this.paused || this.aborted) return false;
    this.paused = true;
    return true;
  }

  /** Returns false when not paused. */
  resume(): boolean {
    if (!this.paused) return false;
    this.paused = false;
    this.wake();
    return true;
  }

  /** Returns false when already aborted. */
  abort(reason: AbortReason, message: string, cause?: unknown): boolean {
    if (this.aborted) return false;
    this.controller.abort(new RunAbortedError(reason, message, cause === undefined ? undefined : { cause }));
    this.wake();
    return true;
  }

  /** Throws when aborted; waits while paused. */
  async checkpoint(): Promise<void> {
    this.throwIfAborted();
    while (this.paused) {
      const woken = new Promise<void>((resolve) => this.waiters.push(resolve));
      // Told after the waiter is in place: a listener that resumes at once wakes it.
      this.onHold?.();
      await woken;
      this.throwIfAborted();
    }
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.controller.signal.reason as RunAbortedError;
  }

  /** Resolves when aborted (for racing a step that does not check its signal). */
  whenAborted(): Promise<RunAbortedError> {
    this.abortedPromise ??= new Promise((resolve) => {
      if (this.aborted) resolve(this.controller.signal.reason as RunAbortedError);
      else this.controller.signal.addEventListener('abort', () => resolve(this.controller.signal.reason as RunAbortedError), { once: true });
    });
    return this.abortedPromise;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
