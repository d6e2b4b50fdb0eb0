// Confirming the waterfall's sync edge. Pure: no I/O.
//
// Points run from the weakest signal up, so a sweep starts in the region where the BER is too high for the
// BERT to lock: a run of no-sync points, then the first lock. A sync loss on the link (a fault, a glitch)
// over the first lockable points looks exactly like that natural region, and costs the waterfall its
// highest-BER points (and with them, perhaps, the sensitivity fit). So the last few no-sync rows of the run
// are held back, not written; when the sweep first locks, they are checked again from the one just weaker
// than the lock, walking weaker while they lock, and the first one that still has no sync is the real edge.
// The held rows are then written in sweep order (each attenuation once, whether re-measured or not), before
// the locked point's row. On the normal sweep the cost is one extra sync check, at the true edge.
import { z } from 'zod';
import { q } from '../../schema/q.ts';

/** How many no-sync points before the first lock are checked again, at most, with `confirm_edge: on`. */
export const DEFAULT_EDGE_POINTS = 8;
const MAX_EDGE_POINTS = 50;

/** `confirm_edge`: on (DEFAULT_EDGE_POINTS), off (0), or the most points to check again. */
export const confirmEdgeSchema = z.unknown().transform((raw, ctx): number => {
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 0 && raw <= MAX_EDGE_POINTS) return raw;
  } else {
    const onOff = q.onOff().safeParse(raw);
    if (onOff.success) return onOff.data ? DEFAULT_EDGE_POINTS : 0;
  }
  ctx.addIssue({ code: 'custom', message: `expected on, off or a count of points 0–${MAX_EDGE_POINTS}, got ${JSON.stringify(raw)}` });
  return z.NEVER;
});

/**
 * The no-sync rows held back before the first lock: at most `bound`, the most recent (the ones next to the
 * edge). Pushing one past the bound releases the oldest, to be written at once.
 */
export class HeldRows<T> {
  private readonly held: T[] = [];
  constructor(readonly bound: number) {}

  get length(): number {
    return this.held.length;
  }

  /** Holds `x`; returns what must be written now (the oldest, beyond the bound), in sweep order. */
  push(x: T): T[] {
    this.held.push(x);
    return this.held.length > this.bound ? this.held.splice(0, this.held.length - this.bound) : [];
  }

  /** The held entry `back` places before the newest (0: the newest, the one next to the edge). */
  at(back: number): T | undefined {
    return this.held[this.held.length - 1 - back];
  }

  replace(back: number, x: T): void {
    this.held[this.held.length - 1 - back] = x;
  }

  /** Everything held, in sweep order; the holder is empty afterwards. */
  release(): T[] {
    return this.held.splice(0);
  }
}

/** How a walk back from the first lock ended. */
export interface EdgeWalk {
  /** Points that locked when checked again (re-measured, their no-sync rows replaced). */
  relocked: number;
  /** 'edge': a point still without sync (the real edge); 'bound': the walk used up its points; 'start': none left before. */
  end: 'edge' | 'bound' | 'start';
  bound: number;
  /** The attenuation of the first lock, and of the weakest point locked after the walk, dB. */
  lock_dB: number;
  weakest_dB: number;
}

/** The note a walk leaves, or null when it found the edge where the sweep first locked (the normal sweep). */
export function edgeNote(w: EdgeWalk): string | null {
  if (w.relocked === 0 && w.end === 'edge') return null;
  const relocked = `${w.relocked} point${w.relocked === 1 ? '' : 's'} without sync just weaker than the first lock (${w.lock_dB} dB) ` +
    `locked when checked again (a sync loss on the link, not the waterfall's edge): re-measured down to ${w.weakest_dB} dB`;
  if (w.end === 'edge') return `${relocked}; the point weaker than that still has no sync: the edge is confirmed there`;
  if (w.end === 'start') return `${relocked}, the weakest of the sweep: the sweep never reached its no-sync region`;
  return `${relocked}; confirm_edge's bound of ${w.bound} points reached: the no-sync points weaker than that are kept as recorded, ` +
    'although a sync loss may have hidden more of the waterfall (raise confirm_edge to check further)';
}
