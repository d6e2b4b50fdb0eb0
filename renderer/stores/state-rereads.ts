// The retries of an instrument state read that failed. A read can fail for a moment — a reply timeout on a
// loaded machine, a link the service is restoring — and a panel whose state was never read would sit at
// "reading…" until the bench is opened again. So a failed read is tried again after 1, 2, 4 and 8 s; after
// that the panel offers to read again by hand (a dead instrument is not polled for ever: the service's
// instrument table already says it is lost).

/** Delays of the retries after a failed read, ms; attempt n waits REREAD_DELAYS_MS[n]. */
export const REREAD_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000];

export class StateRereads {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly delays_ms: readonly number[];

  constructor(delays_ms: readonly number[] = REREAD_DELAYS_MS) {
    this.delays_ms = delays_ms;
  }

  /**
   * Runs `read` for `key` after retry `attempt`'s delay; false (nothing scheduled) once the retries are
   * used up. A retry already due for `key` is replaced, so one key never has two.
   */
  schedule(key: string, attempt: number, read: () => void): boolean {
    this.cancel(key);
    const delay = this.delays_ms[attempt];
    if (delay === undefined) return false;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      read();
    }, delay));
    return true;
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }

  /** Every retry dropped (the bench closed, or the store disposed). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  get pending(): number {
    return this.timers.size;
  }
}
