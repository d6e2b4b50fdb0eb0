import { describe, expect, it } from 'vitest';
import { berStep } from '../../../../sequences/steps/ber/index.ts';
import { DEFAULT_EDGE_POINTS, HeldRows, edgeNote } from '../../../../sequences/steps/ber/sync-edge.ts';

const body = { attenuation: { start: '4dB', stop: '8dB', step: '0.5dB' } };
const messages = (b: Record<string, unknown>) => {
  const r = berStep.schema.safeParse(b);
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('confirm_edge', () => {
  it('defaults to on; on, off and a count of points parse', () => {
    expect(berStep.schema.parse(body).confirm_edge).toBe(DEFAULT_EDGE_POINTS);
    expect(berStep.schema.parse({ ...body, confirm_edge: 'on' }).confirm_edge).toBe(DEFAULT_EDGE_POINTS);
    expect(berStep.schema.parse({ ...body, confirm_edge: true }).confirm_edge).toBe(DEFAULT_EDGE_POINTS);
    expect(berStep.schema.parse({ ...body, confirm_edge: 'off' }).confirm_edge).toBe(0);
    expect(berStep.schema.parse({ ...body, confirm_edge: 3 }).confirm_edge).toBe(3);
    expect(berStep.schema.parse({ ...body, confirm_edge: 0 }).confirm_edge).toBe(0);
  });

  it('refuses anything else, naming the field and what it expects', () => {
    for (const bad of ['sometimes', -1, 2.5, 51]) {
      expect(messages({ ...body, confirm_edge: bad })).toBe(`confirm_edge: expected on, off or a count of points 0–50, got ${JSON.stringify(bad)}`);
    }
  });
});

describe('HeldRows', () => {
  it('holds the newest `bound` entries, releasing the oldest in sweep order', () => {
    const h = new HeldRows<number>(2);
    expect(h.push(1)).toEqual([]);
    expect(h.push(2)).toEqual([]);
    expect(h.push(3)).toEqual([1]);
    expect(h.length).toBe(2);
    expect(h.at(0)).toBe(3); // the newest: next to the edge
    expect(h.at(1)).toBe(2);
    expect(h.at(2)).toBeUndefined();
    h.replace(0, 30);
    expect(h.release()).toEqual([2, 30]);
    expect(h.length).toBe(0);
  });

  it('with a bound of 0, holds nothing', () => {
    const h = new HeldRows<number>(0);
    expect(h.push(1)).toEqual([1]);
    expect(h.length).toBe(0);
  });
});

describe('edgeNote', () => {
  const walk = { bound: 8, lock_dB: 3, weakest_dB: 4 };
  it('says nothing on the normal sweep: the point before the first lock still has no sync', () => {
    expect(edgeNote({ ...walk, relocked: 0, end: 'edge', weakest_dB: 3 })).toBeNull();
  });
  it('names the points re-measured and how the walk ended', () => {
    expect(edgeNote({ ...walk, relocked: 2, end: 'edge' })).toBe('2 points without sync just weaker than the first lock (3 dB) locked when checked again ' +
      "(a sync loss on the link, not the waterfall's edge): re-measured down to 4 dB; the point weaker than that still has no sync: the edge is confirmed there");
    expect(edgeNote({ ...walk, relocked: 1, end: 'start' })).toMatch(/^1 point without sync .*, the weakest of the sweep: the sweep never reached its no-sync region$/);
    expect(edgeNote({ ...walk, relocked: 8, end: 'bound' })).toMatch(/confirm_edge's bound of 8 points reached: the no-sync points weaker than that are kept as recorded/);
  });
});
