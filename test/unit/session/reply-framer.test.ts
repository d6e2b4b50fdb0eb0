import { describe, expect, it } from 'vitest';
import { encodeDefiniteBlock } from '../../../drivers/scpi/block.ts';
import { ReplyFramer } from '../../../drivers/session/reply-framer.ts';
import type { Frame } from '../../../drivers/session/reply-framer.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function drain(f: ReplyFramer): Frame[] {
  const out: Frame[] = [];
  for (let fr = f.next(); fr; fr = f.next()) out.push(fr);
  return out;
}

function texts(frames: Frame[]): string[] {
  return frames.map((fr) => (fr.kind === 'line' ? fr.text : fr.kind === 'block' ? `<block ${fr.payload.toString('latin1')}>` : `<invalid ${fr.reason}>`));
}

describe('ReplyFramer: terminated replies', () => {
  it('strips the terminator and waits for it', () => {
    const f = new ReplyFramer('\n');
    f.push(b('+1.5E-03'));
    expect(f.next()).toBeNull();
    f.push(b('\n'));
    expect(f.next()).toEqual({ kind: 'line', text: '+1.5E-03' });
    expect(f.buffered).toBe(0);
  });

  it('puts a reply split across many chunks back together', () => {
    const f = new ReplyFramer('\n');
    for (const ch of 'Keysight,N7744C,MY1234,1.2\n') {
      f.push(b(ch));
    }
    expect(texts(drain(f))).toEqual(['Keysight,N7744C,MY1234,1.2']);
  });

  it('returns several replies that came in one chunk, in order', () => {
    const f = new ReplyFramer('\n');
    f.push(b('1\n2\n3\npart'));
    expect(texts(drain(f))).toEqual(['1', '2', '3']);
    expect(f.buffered).toBe(4);
    f.push(b('ial\n'));
    expect(texts(drain(f))).toEqual(['partial']);
  });

  it('honours CR and a CRLF terminator split between chunks', () => {
    const cr = new ReplyFramer('\r');
    cr.push(b('5.00000\r-1.2\r'));
    expect(texts(drain(cr))).toEqual(['5.00000', '-1.2']);

    const crlf = new ReplyFramer('\r\n');
    crlf.push(b('0, 0, NO ERROR\r'));
    expect(crlf.next()).toBeNull();
    crlf.push(b('\n1MD?\r'));
    expect(texts(drain(crlf))).toEqual(['0, 0, NO ERROR']);
    crlf.push(b('\n'));
    expect(texts(drain(crlf))).toEqual(['1MD?']);
  });

  it('keeps a lone LF inside a CRLF-terminated reply', () => {
    const f = new ReplyFramer('\r\n');
    f.push(b('a\nb\r\n'));
    expect(texts(drain(f))).toEqual(['a\nb']);
  });

  it('reads SCPI non-decimal numbers (#H, #B, #Q) as text, not blocks', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#H1F\n#B101\n'));
    expect(texts(drain(f))).toEqual(['#H1F', '#B101']);
  });

  it('refuses an empty terminator', () => {
    expect(() => new ReplyFramer('')).toThrow(/read terminator must not be empty/);
  });
});

describe('ReplyFramer: blocks', () => {
  it('reads a definite block whose payload holds the terminator, and drops the trailing terminator', () => {
    const f = new ReplyFramer('\n');
    const payload = b('ab\ncd\n\nef');
    f.push(Buffer.concat([Buffer.from(encodeDefiniteBlock(payload)), b('\nnext\n')]));
    const frames = drain(f);
    expect(frames).toHaveLength(2);
    const block = frames[0];
    expect(block?.kind).toBe('block');
    if (block?.kind === 'block') {
      expect(block.payload.toString('latin1')).toBe('ab\ncd\n\nef');
      expect(block.raw.toString('latin1')).toBe('#19ab\ncd\n\nef');
      expect(block.indefinite).toBe(false);
    }
    expect(frames[1]).toEqual({ kind: 'line', text: 'next' });
  });

  it('drops the terminator after a block when it arrives in a later chunk', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#13xyz'));
    expect(texts(drain(f))).toEqual(['<block xyz>']);
    f.push(b('\n'));
    expect(f.hasUnread()).toBe(false);
    expect(f.next()).toBeNull();
    f.push(b('1\n'));
    expect(texts(drain(f))).toEqual(['1']);
  });

  it('reads a compound reply, blocks joined by semicolons, as one reply per response unit', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#13a\nc;#12de;+1\n'));
    expect(texts(drain(f))).toEqual(['<block a\nc>', '<block de>', '+1']);
    expect(f.buffered).toBe(0);
    // The separator arriving in a later chunk than its block.
    f.push(b('#13xyz'));
    expect(texts(drain(f))).toEqual(['<block xyz>']);
    f.push(b(';#11q\n'));
    expect(texts(drain(f))).toEqual(['<block q>']);
    expect(f.hasUnread()).toBe(false);
  });

  it('waits for the whole block across chunks, reporting progress meanwhile', () => {
    const f = new ReplyFramer('\n');
    const whole = Buffer.from(encodeDefiniteBlock(new Uint8Array(1000).fill(0x0a)));
    f.push(whole.subarray(0, 1));
    expect(f.next()).toBeNull();
    f.push(whole.subarray(1, 3));
    expect(f.partialBlock()).toEqual({ received_bytes: 3, expected_bytes: null });
    f.push(whole.subarray(3, 500));
    expect(f.next()).toBeNull();
    expect(f.partialBlock()).toEqual({ received_bytes: 500, expected_bytes: 1006 });
    f.push(whole.subarray(500));
    const fr = f.next();
    expect(fr?.kind === 'block' && fr.payload.length).toBe(1000);
    expect(f.partialBlock()).toBeNull();
  });

  it('reads an indefinite block up to its LF', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#0abc'));
    expect(f.next()).toBeNull();
    expect(f.partialBlock()).toEqual({ received_bytes: 5, expected_bytes: null });
    f.push(b('def\n7\n'));
    const frames = drain(f);
    expect(frames[0]?.kind === 'block' && frames[0].indefinite).toBe(true);
    expect(texts(frames)).toEqual(['<block abcdef>', '7']);
  });

  it('reports a malformed block length as an invalid block', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#2x9abc\n'));
    const fr = f.next();
    expect(fr).toMatchObject({ kind: 'invalid-block', head: '#2x9abc\n' });
    expect(fr?.kind === 'invalid-block' && fr.reason).toMatch(/not decimal/);
  });

  it('discard() drops everything, including a half-received block', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#15ab'));
    expect(f.discard()).toBe(5);
    expect(f.buffered).toBe(0);
    f.push(b('ok\n'));
    expect(texts(drain(f))).toEqual(['ok']);
  });

  it('hands out block payloads that later input does not overwrite', () => {
    const f = new ReplyFramer('\n');
    f.push(b('#16ab'));
    f.push(b('cdef\n#16ghijkl\n'));
    const [first, second] = drain(f);
    f.push(b('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'));
    expect(first?.kind === 'block' && first.payload.toString('latin1')).toBe('abcdef');
    expect(second?.kind === 'block' && second.payload.toString('latin1')).toBe('ghijkl');
  });
});

describe('ReplyFramer: any chunking gives the same replies', () => {
  // A deterministic mix of short lines, long lines and blocks full of terminators, cut at random points.
  function lcg(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  for (const term of ['\n', '\r\n']) {
    it(`with terminator ${JSON.stringify(term)}`, () => {
      const rnd = lcg(term.length * 7919);
      const expected: string[] = [];
      const parts: Buffer[] = [];
      for (let i = 0; i < 600; i++) {
        const r = rnd();
        if (r < 0.2) {
          const payload = Buffer.alloc(Math.floor(rnd() * 3000), term);
          payload[0] = 0x41;
          parts.push(Buffer.from(encodeDefiniteBlock(payload)), b(term));
          expected.push(`<block ${payload.toString('latin1')}>`);
        } else {
          const text = `r${i}:${'x'.repeat(Math.floor(rnd() * (r < 0.3 ? 5000 : 30)))}`;
          parts.push(b(text + term));
          expected.push(text);
        }
      }
      const stream = Buffer.concat(parts);
      const f = new ReplyFramer(term);
      const got: string[] = [];
      for (let at = 0; at < stream.length;) {
        const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 16 : 9000));
        f.push(stream.subarray(at, at + n));
        at += n;
        got.push(...texts(drain(f)));
      }
      expect(got).toEqual(expected);
      expect(f.buffered).toBe(0);
    });
  }
});
