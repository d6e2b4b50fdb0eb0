// The simulated PAM4 BERT (role bert-pam4, the scpi-bert tree's PAM4/FEC extension) over its command tree.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualBench } from '../../../../sim/index.ts';
import type { Bert } from '../../../../sim/instruments/bert.ts';
import { pam4BerFromQ, pam4ReceiverBer } from '../../../../sim/world/pam4-link.ts';
import { receiverBer } from '../../../../sim/world/receiver-link.ts';
import { qFromBer } from '../../../../models/ber.ts';
import { ask, errors, send } from './helpers.ts';

let sim: VirtualBench | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulated PAM4 BERT', () => {
  it('a PAM4 eye is a third of the NRZ eye at half the bit rate; Gray coding: BER = ⅜·erfc(Q/√2)', () => {
    const truth = { receiver: { kind: 'thermal' as const, sensitivity_dBm: -12, atBer: 1e-12 }, receiverReferenceRate_Hz: 25.78125e9 };
    const p = 10 ** ((-6 - 30) / 10);
    const qNrz = qFromBer(receiverBer(p, 53.125e9, 'PRBS31', truth));
    expect(pam4ReceiverBer(p, 106.25e9, 'PRBS31', truth)).toBeCloseTo(pam4BerFromQ(qNrz / 3), 15);
    expect(pam4BerFromQ(0)).toBe(0.375);
    expect(pam4ReceiverBer(0, 106.25e9, 'PRBS31', truth)).toBe(0.375);
  });

  it('answers its own identity, starts PAM4 at 106.25 Gb/s, and counts codewords on a PAM4 gate', async () => {
    sim = new VirtualBench({ seed: 2, mode: 'fast', drift_um_per_h: 0 });
    expect(sim.roles).toContain('bert-pam4');
    const inst = sim.instrument('bert-pam4');
    const q = (cmd: string) => ask(inst, cmd);
    expect(await q('*IDN?')).toBe('BENCHSIM,SIM-BERT,SIM00003,1.0.0');
    expect(await q(':SOUR1:COD?')).toBe('PAM4');
    expect(Number(await q(':SOUR1:FREQ?'))).toBe(106.25e9);
    // No light: no sync, every codeword uncorrectable.
    await send(inst, ':OUTP1:STAT 1;:SENS1:GATE:MODE BITS;:SENS1:GATE:BITS 1E8;:SENS1:GATE:STAT 1');
    expect(await q(':SENS1:GATE:STAT?')).toBe('0');
    const cw = Number(await q(':FETC:SENS1:FEC:COD?'));
    expect(cw).toBe(Math.floor(1e8 / 5440));
    expect(Number(await q(':FETC:SENS1:FEC:UNC?'))).toBe(cw);
    expect((await q(':FETC:SENS1:FEC:HIST?')).split(',').map(Number)).toEqual([...new Array(16).fill(0), cw]);
    // *RST keeps the PAM4 unit PAM4.
    await send(inst, '*RST');
    expect(await q(':SOUR1:COD?')).toBe('PAM4');
  });

  it('refuses FEC queries on an NRZ line and an unknown coding, in its error queue', async () => {
    sim = new VirtualBench({ seed: 2, mode: 'fast' });
    const inst = sim.instrument('bert-pam4');
    const b = inst as unknown as Bert;
    await send(inst, ':SOUR1:COD NRZ');
    expect(b.config.current.coding).toBe('NRZ');
    await send(inst, ':FETC:SENS1:FEC:UNC?');
    expect((await errors(inst)).join(' | ')).toMatch(/^-221,".*FEC analysis needs PAM4 line coding/);
    await send(inst, ':SOUR1:COD PAM8');
    expect((await errors(inst)).join(' | ')).toMatch(/^-2\d\d,/);
    expect(b.config.current.coding).toBe('NRZ');
  });

  it('the MP1900A tree serves no PAM4 (its PAM4/FEC commands are not in the cited sources)', () => {
    sim = new VirtualBench({ seed: 1 });
    const b = sim.instrument('bert') as unknown as Bert;
    expect(() => new (b.constructor as typeof Bert)(b.world, sim!.clock, 'mp1900a', { coding: 'PAM4' })).toThrow(/mp1900a tree serves NRZ .* use the scpi-bert tree/);
  });
});
