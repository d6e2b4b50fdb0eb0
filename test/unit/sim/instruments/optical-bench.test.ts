import { describe, expect, it } from 'vitest';
import { RealtimeClock } from '../../../../sim/clock.ts';
import type { ScpiInstrument } from '../../../../sim/scpi/index.ts';
import { align, lightUp, makeBench } from './bench-fixture.ts';
import { ask, askNumber, errorCodes, send } from './helpers.ts';

describe('createOpticalBench', () => {
  it('builds meter, laser, laser-santec, voa, bert and bert-pam4 in serving order, each answering *IDN? and SYST:ERR?', async () => {
    const b = makeBench(91);
    expect(b.instruments.map((i) => i.role)).toEqual(['meter', 'laser', 'laser-santec', 'voa', 'bert', 'bert-pam4']);
    for (const inst of b.instruments) {
      // The Santec TSL ends its lines with CR (QMI's TSL-570 driver); the Keysight boxes and the BERT with LF.
      const eol = inst.role === 'laser-santec' ? '\r' : '\n';
      expect(inst.framing).toEqual({ inputTerminator: eol, outputTerminator: eol });
      expect(await ask(inst, '*IDN?')).toBe(inst.identity);
      expect(await ask(inst, 'SYST:ERR?')).toBe('0,"No error"');
      await send(inst, ':NOT:A:COMMand');
      expect(await ask(inst, 'SYST:ERR?')).toBe('-113,"Undefined header;NOT:A:COMMand"');
    }
  });

  it('pushError works on every instrument and the queue overflows to -350', async () => {
    const b = makeBench(92);
    for (const inst of b.instruments as ScpiInstrument[]) {
      inst.pushError(-310, 'injected');
      expect(await ask(inst, 'SYST:ERR?')).toBe('-310,"System error;injected"');
    }
    for (let i = 0; i < 40; i++) b.meter.pushError(-200);
    const codes = await errorCodes(b.meter);
    expect(codes).toHaveLength(30);
    expect(codes[29]).toBe(-350);
  });

  it('faults: the interlock trips and resets through the facade; BERT sync is lost and restored', async () => {
    const b = makeBench(93);
    align(b);
    await lightUp(b);
    b.faults.tripInterlock();
    expect(b.world.powerAtMeter_W(1, b.clock.now_s())).toBe(0);
    b.faults.resetInterlock();
    expect(await ask(b.laser, ':SOUR0:POW:STAT?')).toBe('0');
    expect(await errorCodes(b.laser)).toEqual([-240]);
    await send(b.bert, ':OUTP1:STAT 1;:SOUR1:PATT:SEL PRBS7;:SENS1:PATT:SEL PRBS7');
    await send(b.laser, ':SOUR0:POW:STAT 1');
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('1');
    b.faults.loseBertSync();
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('0');
    b.faults.restoreBertSync();
    expect(await ask(b.bert, ':SENS1:SYNC?')).toBe('1');
  });

  it('one seed, one world: the same seed gives the same readings; hidden truth is readable only through world.truth()', async () => {
    const read = async (seed: number): Promise<number> => {
      const b = makeBench(seed);
      align(b);
      await lightUp(b);
      return askNumber(b.meter, ':READ1:POW?');
    };
    expect(await read(94)).toBe(await read(94));
    expect(await read(94)).not.toBe(await read(95));
    const b = makeBench(94);
    expect(b.world.truth().sites).toHaveLength(4);
  });

  it('fast mode: an alignment-style exchange costs only bench time; the bench clock reports it', async () => {
    const b = makeBench(96);
    align(b);
    await lightUp(b);
    await send(b.meter, ':SENS1:POW:ATIME 10MS');
    const t0 = b.clock.now_s();
    for (let i = 0; i < 100; i++) await ask(b.meter, ':READ1:POW?');
    expect(b.clock.now_s() - t0).toBeCloseTo(100 * (0.01 + 0.2e-3), 6);
  });

  it('real-time mode: bench time follows the wall clock', async () => {
    const clock = new RealtimeClock();
    const b = makeBench(97, { clock });
    await send(b.meter, ':SENS1:POW:ATIME 20MS');
    const t0 = clock.now_s();
    for (let i = 0; i < 3; i++) await ask(b.meter, ':READ1:POW?');
    const spent = clock.now_s() - t0;
    expect(spent).toBeGreaterThanOrEqual(0.055);
    expect(spent).toBeLessThan(1.5);
  });
});
