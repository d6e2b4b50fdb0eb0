import { describe, expect, it } from 'vitest';
import { decodeFloats, encodeDefiniteBlock, encodeFloats, scanBlock } from '../../../drivers/scpi/block.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('IEEE 488.2 blocks', () => {
  it('round-trips float32 and float64 in both byte orders', () => {
    const values = [1e-3, -2.5, 3.0517578125e-5, 0];
    for (const type of ['float32', 'float64'] as const) {
      for (const order of ['little', 'big'] as const) {
        const decoded = decodeFloats(encodeFloats(values, type, order), type, order);
        decoded.forEach((v, i) => expect(v).toBeCloseTo(values[i] ?? NaN, type === 'float32' ? 6 : 15));
      }
    }
  });

  it('reads Keysight little-endian float32 differently from big-endian', () => {
    const le = encodeFloats([1.5], 'float32', 'little');
    expect(Array.from(le)).toEqual([0, 0, 0xc0, 0x3f]);
    expect(decodeFloats(le, 'float32', 'big')[0]).not.toBeCloseTo(1.5);
  });

  it('encodes and scans a definite block', () => {
    const block = encodeDefiniteBlock(bytes('hello world'));
    expect(Buffer.from(block).toString('latin1')).toBe('#211hello world');
    const scan = scanBlock(block);
    expect(scan).toEqual({ status: 'complete', payloadStart: 4, payloadEnd: 15, end: 15, indefinite: false });
  });

  it('scans an indefinite block up to the terminating LF', () => {
    const scan = scanBlock(bytes('xx#0abc\ndef'), 2);
    expect(scan).toEqual({ status: 'complete', payloadStart: 4, payloadEnd: 7, end: 8, indefinite: true });
  });

  it('reports a truncated definite block as incomplete with the length it needs', () => {
    expect(scanBlock(bytes('#3100abc'))).toEqual({ status: 'incomplete', needed: 105 });
    expect(scanBlock(bytes('#3'))).toEqual({ status: 'incomplete' });
  });

  it('refuses a malformed header, saying what was wrong', () => {
    expect(scanBlock(bytes('#A12'))).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/digit count/) });
    expect(scanBlock(bytes('#21x'))).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/not decimal/) });
    expect(scanBlock(bytes('1.0'))).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/expected '#'/) });
  });

  it('refuses a payload that is not a whole number of values', () => {
    expect(() => decodeFloats(new Uint8Array(6), 'float32')).toThrow(/not a whole number of float32/);
  });
});
