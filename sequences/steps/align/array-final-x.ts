// Where X goes last, when the X line was flown early (pure logic). Each channel's profile along X is the
// same wherever it stands in Y and roll (a Gaussian's dB is the sum of its X and Y parts), so its X fit
// holds from a line flown before the roll was corrected; but which channel is the weakest — what `min`
// trades X for — is known only at the solved pose. So each channel's level there (from the Y–W solve)
// is carried along its own X parabola, and X goes where the objective of those levels peaks.
import type { ChannelLineFit } from './array-fly-search.ts';
import type { LineObjective } from './array-search.ts';
import { scoreOf } from './array-search.ts';

const along = (g: ChannelLineFit, x: number): number => g.a + g.b * (x - g.centre) + g.c * (x - g.centre) ** 2;

/**
 * The X within [lo, hi] (the X line's span) maximising the objective of `levels` (each read channel's dB
 * at the solved pose, with the array at `xNow`) moved along each channel's X fit; a channel whose X fit
 * does not open downwards is taken as flat in X.
 */
export function finalX(levels: readonly number[], xFits: readonly ChannelLineFit[], xNow: number, goal: LineObjective, lo: number, hi: number): number {
  const chosen = goal.channels.map((i) => ({ level: levels[i] as number, fit: xFits.find((g) => g.index === i) }));
  if (chosen.some((c) => !Number.isFinite(c.level))) return xNow;
  const at = (x: number): number => scoreOf(chosen.map(({ level, fit }) => level + (fit && fit.c < 0 ? along(fit, x) - along(fit, xNow) : 0)), goal.objective);
  let best = Math.min(hi, Math.max(lo, xNow));
  let bestScore = at(best);
  const n = 400;
  for (let k = 0; k <= n; k++) {
    const x = lo + ((hi - lo) * k) / n;
    const s = at(x);
    if (s > bestScore) {
      bestScore = s;
      best = x;
    }
  }
  return best;
}
