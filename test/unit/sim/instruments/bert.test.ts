import { describe, expect, it } from 'vitest';
import { RealtimeClock } from '../../../../sim/clock.ts';
import { receiverBer } from '../../../../sim/world/receiver-link.ts';
import type { BenchFixture } from './bench-fixture.ts';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, askNumber, errorCodes, errors, send } from './helpers.ts';

/** Light on, BERT generator on, patterns matched; VOA set so the BERT receives `offset_dB` vs its sensitivity. */
async function bertBench(seed: number, offset_dB: number, clock?: RealtimeClock): Promise<BenchFixture> {
  const b = makeBench(seed, clock ? { clock } : {});
  align(b);
  await lightUp(b, { power_dBm: 13, att_dB: 0 });
  const now_dBm = 10 * Math.log10(b.world.bertInput_W(b.clock.now_s())) + 30;
  const att = now_dBm - (b.world.truth().receiver.sensitivity_dBm + offset_dB);
  if (att < 0) throw new Error(`seed ${seed}: only ${now_dBm.toFixed(1)} dBm at the BERT`);
  await send(b.voa, `:INP1:ATT ${att.toFixed(4)}DB`);
  await ask(b.voa, '*OPC?');
  await send(b.bert, ':SOUR1:PATT:SEL PRBS7;:SENS1:PATT:SEL PRBS7;:SOUR1:FREQ 25.78125GHZ;:OUTP1:STAT 1');
  return b;
}

function trueBer(b: BenchFixture, pattern: 'PRBS7' | 'PRBS31' = 'PRBS7', rate = 25.78125e9): number {
  return receiverBer(b.world.bertInput_W(b.clock.now_s()), rate, pattern, b.world.receiverTruth());
}

describe('BERT: settings', () => {
  it('sets pattern, rate (with SI units), output and gate parameters, and refuses bad ones', async () => {
    const b = makeBench();
    expect(await ask(b.bert, '*IDN?')).toBe('BENCHSIM,SIM-BERT,SIM00002,1.0.0');
    await send(b.bert, ':SOUR1:PATT:SEL PRBS15;:SOUR1:FREQ 53.125GHZ;:OUTP1:STAT 1');
    expect(await ask(b.bert, ':SOUR1:PATT:SEL?;:SOUR1:RATE?;:OUTP1:STAT?')).toBe('PRBS15;+5.31250000E+10;1');
    await send(b.bert, ':SENS1:GATE:MODE BITS;:SENS1:GATE:BITS 1E12;:SENS1:GATE:PER 10S');
    expect(await ask(b.bert, ':SENS1:GATE:MODE?;:SENS1:GATE:BITS?;:SENS1:GATE:PER?')).toBe('BITS;+1.00000000E+12;+1.00000000E+01');
    await send(b.bert, ':SOUR1:PATT:SEL PRBS9');
    await send(b.bert, ':SOUR1:FREQ 200GHZ');
    await send(b.bert, ':SOUR1:FREQ 25V');
    await send(b.bert, ':SENS2:GATE:PER 1');
    await send(b.bert, ':SENS1:GATE:MODE FOREVER');
    await send(b.bert, ':SENS1:GATE:PER 1US');
    expect(await errorCodes(b.bert)).toEqual([-224, -222, -131, -114, -224, -222]);
  });
});

describe('BERT: sync', () => {
  it('syncs only with light, the generator on and matching patterns', async () => {
    const b = await bertBench(71, 1);
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('1');
    await send(b.bert, ':SENS1:PATT:SEL PRBS31');
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('0');
    await send(b.bert, ':SENS1:PATT:SEL PRBS7;:OUTP1:STAT 0');
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('0');
    await send(b.bert, ':OUTP1:STAT 1;:SENS1:SYNC?');
    await send(b.laser, ':SOUR0:POW:STAT 0');
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('0');
  });

  it('fault: a lost sync is reported as results (SYNC? 0, BER ≈ 0.5, PSL? 1; no queued error), and comes back when restored', async () => {
    const b = await bertBench(72, 1);
    b.faults.loseBertSync();
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('0');
    await send(b.bert, ':SENS1:GATE:PER 100MS;:SENS1:GATE:STAT 1');
    await ask(b.bert, ':SENS1:GATE:STAT?');
    expect(await askNumber(b.bert, ':FETC:SENS1:BER?')).toBeCloseTo(0.5, 3);
    expect(await askNumber(b.bert, ':FETC:SENS1:PSL?')).toBe(1);
    expect(await errors(b.bert)).toEqual([]);
    b.faults.restoreBertSync();
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('1');
  });
});

describe('BERT: gates and counts', () => {
  it('a TIME gate spends its period of bench time (GATE:STAT? jumps in fast mode) and counts rate × period bits', async () => {
    const b = await bertBench(73, 1);
    await send(b.bert, ':SENS1:GATE:MODE TIME;:SENS1:GATE:PER 10S;:SENS1:GATE:STAT 1');
    const t0 = b.clock.now_s();
    expect(await ask(b.bert, ':SENS1:GATE:STAT?')).toBe('0');
    expect(b.clock.now_s() - t0).toBeCloseTo(10, 3);
    expect(await askNumber(b.bert, ':FETC:SENS1:BITS?')).toBeCloseTo(2.578125e11, -3);
  });

  it('a BITS gate lasts bits / rate', async () => {
    const b = await bertBench(74, 1);
    await send(b.bert, ':SOUR1:FREQ 53.125GHZ;:SENS1:GATE:MODE BITS;:SENS1:GATE:BITS 1.0625E11;:SENS1:GATE:STAT 1');
    const t0 = b.clock.now_s();
    expect(await ask(b.bert, '*OPC?')).toBe('1');
    expect(b.clock.now_s() - t0).toBeCloseTo(2, 3);
    expect(await askNumber(b.bert, ':FETC:SENS1:BITS?')).toBeCloseTo(1.0625e11, -3);
  });

  it('measures the BER the receiver model gives at the received power (Poisson-limited)', async () => {
    const b = await bertBench(75, -2.5); // 2.5 dB below the 1e-12 sensitivity: BER ~ 1e-6
    const ber = trueBer(b);
    expect(ber).toBeGreaterThan(1e-8);
    expect(ber).toBeLessThan(1e-4);
    await send(b.bert, ':SENS1:GATE:PER 1S;:SENS1:GATE:STAT 1');
    await ask(b.bert, ':SENS1:GATE:STAT?');
    const errs = await askNumber(b.bert, ':FETC:SENS1:ERR?');
    const expected = ber * 2.578125e10;
    expect(Math.abs(errs - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    expect((await askNumber(b.bert, ':FETC:SENS1:BER?')) / (errs / 2.578125e10)).toBeCloseTo(1, 6);
  });

  it('short gates at low BER honestly show zero errors', async () => {
    const b = await bertBench(76, 0); // BER 1e-12 at the sensitivity
    await send(b.bert, ':SENS1:GATE:PER 100MS;:SENS1:GATE:STAT 1');
    await ask(b.bert, ':SENS1:GATE:STAT?');
    expect(await ask(b.bert, ':FETC:SENS1:ERR?')).toBe('0');
    expect(await askNumber(b.bert, ':FETC:SENS1:BER?')).toBe(0);
  });

  it('gate error counts are Poisson: mean ≈ variance ≈ BER × bits over many gates', async () => {
    const b = await bertBench(77, -1.2);
    const bits = 2.578125e9; // 100 ms gates
    const mean = trueBer(b) * bits;
    await send(b.bert, ':SENS1:GATE:PER 100MS');
    const counts: number[] = [];
    for (let i = 0; i < 300; i++) {
      await send(b.bert, ':SENS1:GATE:STAT 1');
      await ask(b.bert, ':SENS1:GATE:STAT?');
      counts.push(await askNumber(b.bert, ':FETC:SENS1:ERR?'));
    }
    const m = counts.reduce((s, x) => s + x, 0) / counts.length;
    const v = counts.reduce((s, x) => s + (x - m) ** 2, 0) / (counts.length - 1);
    expect(mean).toBeGreaterThan(2);
    expect(mean).toBeLessThan(200);
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / counts.length));
    expect(v / mean).toBeGreaterThan(0.7);
    expect(v / mean).toBeLessThan(1.35);
  });

  it('pays for a faster line and a longer pattern', async () => {
    const b = await bertBench(78, 0);
    expect(trueBer(b, 'PRBS7', 53.125e9)).toBeGreaterThan(100 * trueBer(b));
    expect(trueBer(b, 'PRBS31')).toBeGreaterThan(trueBer(b));
  });

  it('counts an inserted error in the running gate, and none outside a gate', async () => {
    const b = await bertBench(79, 6); // BER ~ 0
    await send(b.bert, ':SOUR1:EINS:ONCE');
    await send(b.bert, ':SENS1:GATE:PER 1S;:SENS1:GATE:STAT 1;:SOUR1:EINS:ONCE;:SOUR1:EINS:ONCE');
    await ask(b.bert, ':SENS1:GATE:STAT?');
    expect(await ask(b.bert, ':FETC:SENS1:ERR?')).toBe('2');
    await send(b.bert, ':OUTP1:STAT 0;:SOUR1:EINS:ONCE');
    expect(await errorCodes(b.bert)).toEqual([-221]);
  });

  it('stopping a gate early keeps the counts so far; FETC before any gate gives 0 bits and BER NaN', async () => {
    const b = await bertBench(80, 1);
    expect(await ask(b.bert, ':FETC:SENS1:BITS?;:FETC:SENS1:BER?')).toBe('+0.00000000E+00;9.91E+37');
    await send(b.bert, ':SENS1:GATE:PER 100S;:SENS1:GATE:STAT 1');
    await b.clock.advance(2);
    await send(b.bert, ':SENS1:GATE:STAT 0');
    expect(await ask(b.bert, ':SENS1:GATE:STAT?')).toBe('0');
    expect(await askNumber(b.bert, ':FETC:SENS1:BITS?')).toBeCloseTo(2 * 2.578125e10, -8);
  });

  it('in real time, counts accumulate during the gate and GATE:STAT? is 1 while counting', async () => {
    const b = await bertBench(81, 1, new RealtimeClock());
    await send(b.bert, ':SENS1:GATE:PER 300MS;:SENS1:GATE:STAT 1');
    expect(await ask(b.bert, ':SENS1:GATE:STAT?')).toBe('1');
    await new Promise((r) => setTimeout(r, 100));
    const mid = await askNumber(b.bert, ':FETC:SENS1:BITS?');
    expect(mid).toBeGreaterThan(0.05 * 2.578125e10);
    expect(mid).toBeLessThan(0.3 * 2.578125e10);
    await ask(b.bert, '*OPC?');
    expect(await ask(b.bert, ':SENS1:GATE:STAT?')).toBe('0');
    expect(await askNumber(b.bert, ':FETC:SENS1:BITS?')).toBeCloseTo(0.3 * 2.578125e10, -7);
  });
});
