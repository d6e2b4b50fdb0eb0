// The ONC RPC wire under VXI-11: XDR padding, call/reply headers, record marking across fragments and
// chunk boundaries, and truncated or oversized input refused with a message naming the field.
import { describe, expect, it } from 'vitest';
import {
  AcceptStat, RecordReader, XdrError, XdrReader, XdrWriter, decodeCall, decodeReply, encodeCall, encodeReply, frameRecord,
} from '../../../drivers/scpi/onc-rpc.ts';
import {
  decodeCreateLink, decodeRead, decodeReadResp, encodeCreateLink, encodeRead, encodeReadResp, universalAddress,
} from '../../../drivers/scpi/vxi11-messages.ts';

describe('XDR', () => {
  it('pads opaque data to 4 bytes and reads back what it wrote', () => {
    const b = new XdrWriter().uint(0xffffffff).int(-2).bool(true).string('inst0').opaque(Buffer.from([1, 2])).bytes();
    expect(b.length).toBe(4 + 4 + 4 + (4 + 8) + (4 + 4));
    expect(b.subarray(16, 24)).toEqual(Buffer.from('inst0\0\0\0', 'latin1'));
    const r = new XdrReader(b);
    expect([r.uint(), r.int(), r.bool(), r.string(), [...r.opaque()]]).toEqual([0xffffffff, -2, true, 'inst0', [1, 2]]);
    expect(r.remaining).toBe(0);
  });

  it('a truncated message, an out-of-domain bool or an oversized string is an XdrError naming the field', () => {
    expect(() => new XdrReader(Buffer.alloc(2)).uint('lid')).toThrow(/XDR lid at byte 0 needs 4 bytes, but the message has 2 left/);
    expect(() => new XdrReader(new XdrWriter().uint(7).bytes()).bool('lockDevice')).toThrow(/XDR lockDevice is 7; expected 0 or 1/);
    expect(() => new XdrReader(new XdrWriter().string('x'.repeat(300)).bytes()).string('device', 256)).toThrow(XdrError);
    expect(() => decodeCreateLink(new XdrWriter().int(1).bool(false).bytes())).toThrow(/lock_timeout/);
  });
});

describe('RPC messages and record marking', () => {
  it('a call and a reply round-trip; refusals say why', () => {
    const args = encodeCreateLink({ clientId: 9, lockDevice: false, lockTimeout_ms: 0, device: 'inst0' });
    const call = decodeCall(encodeCall({ xid: 42, prog: 0x0607af, vers: 1, proc: 10, args }));
    expect(call).toMatchObject({ xid: 42, prog: 0x0607af, vers: 1, proc: 10 });
    expect(decodeCreateLink(call.args)).toEqual({ clientId: 9, lockDevice: false, lockTimeout_ms: 0, device: 'inst0' });
    const ok = decodeReply(encodeReply(42, AcceptStat.SUCCESS, encodeReadResp({ error: 0, reason: 4, data: Buffer.from('1\n') })));
    expect(ok.kind).toBe('success');
    if (ok.kind === 'success') expect(decodeReadResp(ok.results)).toEqual({ error: 0, reason: 4, data: Buffer.from('1\n') });
    expect(decodeReply(encodeReply(1, AcceptStat.PROC_UNAVAIL))).toEqual({ xid: 1, kind: 'refused', reason: 'procedure unavailable' });
    expect(decodeReply(encodeReply(2, AcceptStat.PROG_MISMATCH, undefined, { low: 2, high: 4 }))).toMatchObject({ reason: 'program version mismatch' });
    expect(() => decodeCall(encodeReply(3, AcceptStat.SUCCESS))).toThrow(/expected a call/);
    const read = encodeRead({ lid: 1, requestSize: 1024, ioTimeout_ms: 500, lockTimeout_ms: 0, flags: 128, termChar: 10 });
    expect(decodeRead(read)).toEqual({ lid: 1, requestSize: 1024, ioTimeout_ms: 500, lockTimeout_ms: 0, flags: 128, termChar: 10 });
  });

  it('records are reassembled across chunks and fragments; an oversized record is refused', () => {
    const a = frameRecord(Buffer.from('abcd'));
    const b = frameRecord(Buffer.from('efgh'));
    const r = new RecordReader();
    expect(r.push(a.subarray(0, 3))).toEqual([]);
    expect(r.push(Buffer.concat([a.subarray(3), b.subarray(0, 5)]))).toEqual([Buffer.from('abcd')]);
    expect(r.push(b.subarray(5))).toEqual([Buffer.from('efgh')]);
    // A record in two fragments: the first without the last-fragment bit.
    const first = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('xy')]);
    expect(r.push(Buffer.concat([first, frameRecord(Buffer.from('z'))]))).toEqual([Buffer.from('xyz')]);
    expect(() => new RecordReader(8).push(frameRecord(Buffer.alloc(16)))).toThrow(/more than 8 bytes/);
    expect(universalAddress('127.0.0.1', 0x1234)).toBe('127.0.0.1.18.52');
  });
});
