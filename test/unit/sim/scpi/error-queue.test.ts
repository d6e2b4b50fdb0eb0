import { describe, expect, it } from 'vitest';
import { ScpiError } from '../../../../drivers/scpi/index.ts';
import { ErrorQueue, NO_ERROR_ENTRY, esrBitForError } from '../../../../sim/scpi/index.ts';

describe('ErrorQueue', () => {
  it('is FIFO and answers the no-error entry when empty', () => {
    const q = new ErrorQueue(4);
    q.push(new ScpiError(-113, 'A'));
    q.push(new ScpiError(-222, 'B'));
    expect(q.count).toBe(2);
    expect(q.next()).toBe('-113,"Undefined header;A"');
    expect(q.next()).toBe('-222,"Data out of range;B"');
    expect(q.next()).toBe(NO_ERROR_ENTRY);
  });

  it('keeps the oldest errors on overflow, with -350 last, and drains all at once', () => {
    const q = new ErrorQueue(3);
    expect(q.push(new ScpiError(-101))?.code).toBe(-101);
    expect(q.push(new ScpiError(-102))?.code).toBe(-102);
    expect(q.push(new ScpiError(-103))?.code).toBe(-350);
    expect(q.push(new ScpiError(-104))).toBeNull();
    expect(q.codes()).toEqual([-101, -102, -350]);
    expect(q.drainAll()).toBe('-101,"Invalid character",-102,"Syntax error",-350,"Queue overflow"');
    expect(q.count).toBe(0);
    expect(q.drainAll()).toBe(NO_ERROR_ENTRY);
  });

  it('refuses a capacity without room for the overflow entry', () => {
    expect(() => new ErrorQueue(1)).toThrow(/capacity 1 must be an integer ≥ 2/);
  });

  it('maps error classes to ESR bits', () => {
    expect(esrBitForError(-113)).toBe(32);
    expect(esrBitForError(-222)).toBe(16);
    expect(esrBitForError(-350)).toBe(8);
    expect(esrBitForError(42)).toBe(8);
    expect(esrBitForError(-420)).toBe(4);
    expect(esrBitForError(0)).toBe(0);
  });
});
