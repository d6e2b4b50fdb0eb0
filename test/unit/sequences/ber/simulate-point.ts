// A BER point counted on synthetic Poisson errors: the dwell decisions of dwell.ts driven gate by gate,
// the way the ber step drives a BERT, for tests of what the decisions claim.
import poisson from '@stdlib/random-base-poisson';
import { decideDwell, pointClaim } from '../../../../sequences/steps/ber/dwell.ts';
import type { BoundTest, DwellGoals, PointClaim } from '../../../../sequences/steps/ber/dwell.ts';

export interface SimulatedPoint {
  status: 'measured' | 'bounded' | 'limited' | 'failed';
  bits: number;
  errors: number;
  gates: number;
  claim: PointClaim;
}

export type PoissonDraw = (mean: number) => number;

export function poissonDraw(seed: number): PoissonDraw {
  const draw = poisson.factory({ seed });
  return (mean) => (mean > 0 ? draw(mean) : 0);
}

export function simulatePoint(goals: DwellGoals, test: BoundTest | null, trueBer: number, draw: PoissonDraw, predictedBer?: number): SimulatedPoint {
  let bits = 0, errors = 0, gates = 0;
  for (;;) {
    const d = decideDwell(goals, test, { bits, errors }, predictedBer);
    if (d.done) {
      const claim = pointClaim(d.status, { bits, errors }, goals.confidence);
      if (!claim) throw new Error('a finished point without bits');
      return { status: d.status, bits, errors, gates, claim };
    }
    gates++;
    errors += Math.min(draw(d.nextGateBits * trueBer), d.nextGateBits);
    bits += d.nextGateBits;
  }
}

export const RATE_BPS = 25.78125e9;

export function goalsFor(over: Partial<DwellGoals> = {}): DwellGoals {
  return {
    confidence: 0.95,
    targetBer: 1e-12,
    minErrors: 24,
    maxBits: 200 * RATE_BPS,
    minGateBits: Math.ceil(0.01 * RATE_BPS),
    growth: 4,
    ...over,
  };
}
