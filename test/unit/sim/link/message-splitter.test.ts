import { describe, expect, it, vi } from 'vitest';
import { MessageSplitter } from '../../../../sim/link/message-splitter.ts';
import { encodeDefiniteBlock } from '../../../../drivers/scpi/block.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function feedBytewise(splitter: MessageSplitter, data: Buffer): string[] {
  const out: string[] = [];
  for (const byte of data) out.push(...splitter.push(Uint8Array.of(byte)));
  return out;
}

describe('MessageSplitter', () => {
  it('returns one message per terminator, stripped', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b('*IDN?\n'))).toEqual(['*IDN?']);
    expect(s.pending_bytes).toBe(0);
  });

  it('joins a message split across chunks', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b(':SENS1:CHAN1'))).toEqual([]);
    expect(s.push(b(':POW:WAV?'))).toEqual([]);
    expect(s.push(b('\n'))).toEqual([':SENS1:CHAN1:POW:WAV?']);
  });

  it('returns several messages from one chunk and keeps the unterminated rest', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b('*CLS\n*IDN?\nSYST:ERR'))).toEqual(['*CLS', '*IDN?']);
    expect(s.pending_bytes).toBe(8);
    expect(s.push(b('?\n'))).toEqual(['SYST:ERR?']);
  });

  it('keeps empty messages (a bare terminator) for the instrument to ignore', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b('\n\n'))).toEqual(['', '']);
  });

  it('splits at a CR for the ESP301 dialect and at a two-byte terminator split across chunks', () => {
    const esp = new MessageSplitter('\r');
    expect(esp.push(b('1TP?\r2TP?\r'))).toEqual(['1TP?', '2TP?']);
    const crlf = new MessageSplitter('\r\n');
    expect(crlf.push(b('A\r'))).toEqual([]);
    expect(crlf.push(b('\nB\rC\r\n'))).toEqual(['A', 'B\rC']);
  });

  it('does not end a message at a terminator inside a definite block', () => {
    const payload = b('ab\ncd\n\r\n#');
    const block = Buffer.from(encodeDefiniteBlock(payload));
    const msg = Buffer.concat([b(':DATA '), block, b('\n*OPC?\n')]);
    const s = new MessageSplitter('\n');
    expect(s.push(msg)).toEqual([`:DATA ${block.toString('latin1')}`, '*OPC?']);
  });

  it('is binary-safe when a block arrives one byte at a time', () => {
    const payload = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    const block = Buffer.from(encodeDefiniteBlock(payload));
    const msg = Buffer.concat([b('D '), block, b('\nNEXT\n')]);
    const out = feedBytewise(new MessageSplitter('\n'), msg);
    expect(out).toHaveLength(2);
    expect(Buffer.from(out[0] ?? '', 'latin1').equals(Buffer.concat([b('D '), block]))).toBe(true);
    expect(out[1]).toBe('NEXT');
  });

  it('ends the message with an indefinite block at its LF', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b('D #0a\rb\nX\n'))).toEqual(['D #0a\rb\n', 'X']);
  });

  it('treats # inside quoted strings and non-block # forms as text', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b(':DISP:TEXT "#15ab"\n'))).toEqual([':DISP:TEXT "#15ab"']);
    expect(s.push(b(":VAL #H1F;:VAL 'x#9'\n"))).toEqual([":VAL #H1F;:VAL 'x#9'"]);
  });

  it('waits for the rest of a block header split across chunks', () => {
    const s = new MessageSplitter('\n');
    expect(s.push(b('D #'))).toEqual([]);
    expect(s.push(b('2'))).toEqual([]);
    expect(s.push(b('0'))).toEqual([]);
    expect(s.push(b('3\n\n\n'))).toEqual([]);
    expect(s.push(b('\n'))).toEqual(['D #203\n\n\n']);
  });

  it('refuses to buffer a block larger than its input buffer and reports an overrun', () => {
    const onOverrun = vi.fn();
    const s = new MessageSplitter('\n', { maxMessage_bytes: 64, onOverrun });
    // The header announces 1000 bytes: more than the buffer holds, so the '#' is plain text and the LF ends it.
    expect(s.push(b('D #41000abc\nOK\n'))).toEqual(['D #41000abc', 'OK']);
    expect(s.push(b('x'.repeat(100)))).toEqual([]);
    expect(onOverrun).toHaveBeenCalledWith(100);
    expect(s.pending_bytes).toBe(0);
    expect(s.push(b('AFTER\n'))).toEqual(['AFTER']);
  });

  it('refuses an empty terminator', () => {
    expect(() => new MessageSplitter('')).toThrow(/terminator/);
  });
});
