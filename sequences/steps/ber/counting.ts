// Counting one BER point on the BERT until dwell.ts says stop. Two ways to look at the counts:
//
// 'gates' (default) — a chain of bits-mode gates, each sized by decideDwell. Why it is the default: a gate
//   ends exactly on the bound test's planned bit count (the one-look claim is then exact), its counts are
//   the instrument's final ones (mid-gate results refresh at a model-dependent interval on real BERTs, and
//   some only show the last completed gate), and the looks cost a few exchanges each — about 1.5 ms on the
//   sim against gates of 10 ms to 116 s — so the benchmark measures it within a few per cent of the
//   statistical floor (test/bench/ber.bench.ts prints both ways).
// 'live' — one long time-mode gate, read while it runs at the same looks. No restarts; but a look at the
//   planned bits may land a little past them, and it needs ctx.wait_s to let bench time pass.
//
// Either way a gate is never longer than MAX_LOOK_S, so pause and abort act within seconds, and a loss of
// pattern sync (results().syncLost, or no sync at a look) ends the point as 'sync-lost' at once: counts taken
// without sync are not a measurement and are never counted as error-free bits.
import type { Bert } from '../../../drivers/roles/bert.ts';
import type { StepContext } from '../../step.ts';
import { decideDwell } from './dwell.ts';
import type { BoundTest, DwellCounts, DwellGoals } from './dwell.ts';

/** The longest stretch between two looks at the counts, s. */
export const MAX_LOOK_S = 10;
/** Headroom for a gate's end to be reported, s. */
const GATE_WAIT_MARGIN_S = 30;

export type CountStatus = 'measured' | 'bounded' | 'limited' | 'failed' | 'sync-lost';

export interface PointCount {
  status: CountStatus;
  counts: DwellCounts;
  /** Bench seconds spent counting. */
  dwell_s: number;
  gates: number;
  why: string;
}

export interface CountOptions {
  goals: DwellGoals;
  test: BoundTest | null;
  predictedBer?: number;
  bitsPerSecond: number;
  counting: 'gates' | 'live';
}

function syncLost(c: DwellCounts, looks: number, now: string): PointCount['why'] {
  return `pattern sync lost ${now} (after ${c.bits.toExponential(3)} bits and ${c.errors} errors in ${looks} looks); the counts are not valid`;
}

/** How the point is counted: chained gates only where the BERT ends a gate on any bit count. */
export function countingOn(bert: Bert, asked: 'gates' | 'live', canWait: boolean): 'gates' | 'live' {
  if (!canWait) return 'gates';
  return asked === 'live' || bert.bitGates !== 'any' ? 'live' : 'gates';
}

export async function countPoint(ctx: StepContext, bert: Bert, o: CountOptions): Promise<PointCount> {
  const live = countingOn(bert, o.counting, typeof ctx.wait_s === 'function') === 'live';
  return live ? countLive(ctx, bert, o) : countGates(ctx, bert, o);
}

async function countGates(ctx: StepContext, bert: Bert, o: CountOptions): Promise<PointCount> {
  const t0 = ctx.now_s();
  const counts: DwellCounts = { bits: 0, errors: 0 };
  const maxLookBits = MAX_LOOK_S * o.bitsPerSecond;
  for (let gates = 0; ; gates++) {
    const d = decideDwell(o.goals, o.test, counts, o.predictedBer);
    if (d.done) return { status: d.status, counts, dwell_s: ctx.now_s() - t0, gates, why: d.why };
    await ctx.checkpoint();
    const bits = Math.min(d.nextGateBits, Math.ceil(maxLookBits));
    await bert.setGate({ mode: 'bits', bits });
    await bert.startGate();
    await bert.waitGate(bits / o.bitsPerSecond + GATE_WAIT_MARGIN_S);
    const r = await bert.results();
    counts.bits += r.bits;
    counts.errors += r.errors;
    if (r.syncLost || !r.sync) {
      return { status: 'sync-lost', counts, dwell_s: ctx.now_s() - t0, gates: gates + 1, why: syncLost(counts, gates + 1, 'during a gate') };
    }
  }
}

async function countLive(ctx: StepContext, bert: Bert, o: CountOptions): Promise<PointCount> {
  const wait = ctx.wait_s?.bind(ctx);
  if (!wait) throw new Error('live counting needs ctx.wait_s');
  const t0 = ctx.now_s();
  let counts: DwellCounts = { bits: 0, errors: 0 };
  // One gate long enough for the whole point; stopped as soon as the point is decided.
  // Whole seconds: BERTs such as the MP1900A gate in d,h,m,s.
  await bert.setGate({ mode: 'time', period_s: Math.ceil(o.goals.maxBits / o.bitsPerSecond + GATE_WAIT_MARGIN_S) });
  await bert.startGate();
  try {
    for (let looks = 0; ; looks++) {
      const d = decideDwell(o.goals, o.test, counts, o.predictedBer);
      if (d.done) return { status: d.status, counts, dwell_s: ctx.now_s() - t0, gates: 1, why: d.why };
      // Wait for the bits still missing (from the last reading) and a microsecond, so the look lands past them.
      const missing = Math.max(0, d.nextGateBits);
      await wait(Math.min(missing / o.bitsPerSecond, MAX_LOOK_S) + 1e-6);
      const r = await bert.results();
      counts = { bits: r.bits, errors: Math.min(r.errors, r.bits) };
      if (r.syncLost || !r.sync) {
        return { status: 'sync-lost', counts, dwell_s: ctx.now_s() - t0, gates: 1, why: syncLost(counts, looks + 1, 'during the gate') };
      }
    }
  } finally {
    await bert.stopGate();
  }
}
