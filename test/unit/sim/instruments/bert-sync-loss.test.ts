// Loss of pattern sync as a result, the way an MP1900A-class error detector reports it: `:SENS1:SYNC?` now,
// and `:FETC:SENS1:PSL?`, the sync-loss seconds of the current (or last) gate — 1-s alarm intervals from
// the gate's start in which the detector was out of sync.
import { describe, expect, it } from 'vitest';
import type { BenchFixture } from './bench-fixture.ts';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, askNumber, errorCodes, send } from './helpers.ts';

/** Plenty of light at the BERT, generator on, patterns matched: a clean, synced link. */
async function syncedBench(seed: number): Promise<BenchFixture> {
  const b = makeBench(seed);
  align(b);
  await lightUp(b, { power_dBm: 13, att_dB: 0 });
  await send(b.bert, ':SOUR1:PATT:SEL PRBS7;:SENS1:PATT:SEL PRBS7;:OUTP1:STAT 1;:SENS1:GATE:MODE TIME');
  expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('1');
  return b;
}

async function gate(b: BenchFixture, period: string): Promise<void> {
  await send(b.bert, `:SENS1:GATE:PER ${period};:SENS1:GATE:STAT 1`);
  expect(await ask(b.bert, ':SENS1:GATE:STAT?')).toBe('0'); // fast mode: the poll jumps to the gate's end
}

describe('BERT: sync-loss seconds (:FETC:SENS1:PSL?)', () => {
  it('0 before any gate and after a clean one', async () => {
    const b = await syncedBench(81);
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(0);
    await gate(b, '2.5S');
    expect(await ask(b.bert, ':FETC:SENS1:ERR?;:FETC:SENS1:PSL?;:SENS1:SYNC?')).toBe('0;0;1');
    expect(await errorCodes(b.bert)).toEqual([]);
  });

  it('a gate without sync throughout: every started second counts, and the counts are the random bits', async () => {
    const b = await syncedBench(82);
    b.faults.loseBertSync();
    await gate(b, '2.5S');
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(3);
    expect(await askNumber(b.bert, ':FETC:SENS1:BER?')).toBeCloseTo(0.5, 3);
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('0');
    // A result, not an error: a real MP1900A queues nothing for a loss of sync.
    expect(await errorCodes(b.bert)).toEqual([]);
    // The next clean gate starts from 0.
    b.faults.restoreBertSync();
    await gate(b, '1S');
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(0);
  });

  it('a loss from 3.5 s to 5.2 s into a 10 s gate touches the intervals 3, 4 and 5: 3 seconds', async () => {
    const b = await syncedBench(83);
    await send(b.bert, ':SENS1:GATE:PER 10S;:SENS1:GATE:STAT 1');
    const t0 = b.clock.now_s();
    await b.clock.advanceTo(t0 + 3.4997);
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(0); // nothing lost yet
    await b.clock.advanceTo(t0 + 3.5);
    b.faults.loseBertSync();
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(1); // mid-gate: lost in interval 3 so far
    await b.clock.advanceTo(t0 + 5.2);
    b.faults.restoreBertSync();
    expect(await ask(b.bert, ':SENS1:GATE:STAT?')).toBe('0');
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(3);
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('1'); // sync is back: SYNC? says now, PSL? says what happened
    const bits = await askNumber(b.bert, ':FETC:SENS1:BITS?');
    const errs = await askNumber(b.bert, ':FETC:SENS1:ERR?');
    expect(errs / bits).toBeCloseTo((0.5 * 1.7) / 10, 2); // 1.7 s of random bits out of 10 s
  });

  it('takes no parameter and only channel 1', async () => {
    const b = makeBench();
    await send(b.bert, ':FETC:SENS1:PSL? 1');
    await send(b.bert, ':FETC:SENS2:PSL?');
    expect(await errorCodes(b.bert)).toEqual([-108, -114]);
  });
});
