// The SCPI error/event queue of one simulated instrument: FIFO, bounded. Per SCPI-99 §21.8, when the
// queue is full the most recent error is discarded and the last slot holds -350 "Queue overflow".
import { ScpiError, ScpiErrorCode } from '../../drivers/scpi/index.ts';

/** What `SYST:ERR?` answers when the queue is empty (INSTRUMENTS.md spelling). */
export const NO_ERROR_ENTRY = '0,"No error"';

/** Keysight's N77xx family holds 30 entries; a common SCPI figure. */
export const DEFAULT_ERROR_QUEUE_CAPACITY = 30;

export interface QueuedError {
  readonly code: number;
  /** The reply text for `SYST:ERR?`, e.g. `-113,"Undefined header;FOO"`. */
  readonly entry: string;
}

export class ErrorQueue {
  private readonly entries: QueuedError[] = [];

  constructor(readonly capacity = DEFAULT_ERROR_QUEUE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`error queue capacity ${capacity} must be an integer ≥ 2 (one slot is kept for -350)`);
    }
  }

  get count(): number {
    return this.entries.length;
  }

  /** Adds an error; returns the entry actually queued (the overflow entry when full, or null when discarded). */
  push(error: ScpiError): QueuedError | null {
    const n = this.entries.length;
    if (n >= this.capacity) return null; // already overflowed: discard
    if (n === this.capacity - 1) {
      const overflow = { code: ScpiErrorCode.QueueOverflow, entry: new ScpiError(ScpiErrorCode.QueueOverflow).toQueueEntry() };
      this.entries.push(overflow);
      return overflow;
    }
    const queued = { code: error.code, entry: error.toQueueEntry() };
    this.entries.push(queued);
    return queued;
  }

  /** Oldest entry, removed; the no-error entry when empty. */
  next(): string {
    return this.entries.shift()?.entry ?? NO_ERROR_ENTRY;
  }

  /** Every entry, comma-separated, oldest first, and clears the queue (`SYST:ERR:ALL?`). */
  drainAll(): string {
    if (this.entries.length === 0) return NO_ERROR_ENTRY;
    const all = this.entries.map((e) => e.entry).join(',');
    this.entries.length = 0;
    return all;
  }

  /** The codes currently queued, oldest first (for tests and fault reports; does not consume). */
  codes(): number[] {
    return this.entries.map((e) => e.code);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
