// Small pure parts of the bridges: the token/Host/Origin guard, path containment for static files, the
// protocol's frame parser, the SCPI console's query detection, JSON numbers, and the event hub.
import { describe, expect, it, vi } from 'vitest';
import { parseServerMessage } from '../../../service/bridge-protocol.ts';
import { BenchEventHub } from '../../../service/event-hub.ts';
import { dbmForJson, dbmToMwForJson } from '../../../service/json-numbers.ts';
import { isQuery } from '../../../service/scpi-console.ts';
import { hostAllowed, identity, newToken, originAllowed, tokenMatches } from '../../../service/web/guard.ts';
import { resolveInside } from '../../../service/web/static-files.ts';

describe('guard', () => {
  it('makes long random tokens and compares them exactly', () => {
    const a = newToken();
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(newToken()).not.toBe(a);
    expect(tokenMatches(a, a)).toBe(true);
    for (const wrong of [null, undefined, '', a.slice(1), `${a}x`, a.toUpperCase() === a ? a.toLowerCase() : a.toUpperCase()]) expect(tokenMatches(a, wrong)).toBe(false);
  });

  it('accepts only our own loopback Host and Origin', () => {
    const id = identity(8420);
    expect(hostAllowed('127.0.0.1:8420', id)).toBe(true);
    expect(hostAllowed('localhost:8420', id)).toBe(true);
    for (const h of [undefined, '127.0.0.1', '127.0.0.1:8421', 'evil.example:8420', '0.0.0.0:8420']) expect(hostAllowed(h, id)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8420', id)).toBe(true);
    expect(originAllowed(undefined, id)).toBe(true);
    expect(originAllowed('null', id)).toBe(false);
    expect(originAllowed('https://127.0.0.1:8420', id)).toBe(false);
    expect(originAllowed('http://127.0.0.1:5173', id, ['http://127.0.0.1:5173'])).toBe(true);
    // A TLS server on a lab address answers as that name over https only.
    const lab = identity(8443, ['10.1.2.3', 'bench3.lab', '::1'], true);
    expect(hostAllowed('bench3.lab:8443', lab)).toBe(true);
    expect(hostAllowed('[::1]:8443', lab)).toBe(true);
    expect(originAllowed('https://10.1.2.3:8443', lab)).toBe(true);
    expect(originAllowed('http://10.1.2.3:8443', lab)).toBe(false);
  });
});

describe('resolveInside', () => {
  it('keeps paths inside the folder', () => {
    expect(resolveInside('/srv/ui', '/')).toBe('/srv/ui');
    expect(resolveInside('/srv/ui', '/assets/a.js')).toBe('/srv/ui/assets/a.js');
    for (const p of ['/../etc/passwd', '/a/%2e%2e/%2e%2e/x', '/..%2f..%2fx', '/%00', '/%E0%A4%A']) expect(resolveInside('/srv/ui', p)).toBeNull();
  });
});

describe('the wire format', () => {
  it('takes only protocol frames from the server', () => {
    expect(parseServerMessage('{"type":"result","id":1,"ok":true,"value":3}')).toEqual({ type: 'result', id: 1, ok: true, value: 3 });
    expect(parseServerMessage('{"type":"result","id":1,"ok":false,"error":{"name":"E","message":"m"}}')).toMatchObject({ ok: false });
    expect(parseServerMessage('{"type":"event","event":"monitor","payload":{}}')).toMatchObject({ event: 'monitor' });
    for (const bad of ['nope', '{"type":"event","event":"other","payload":1}', '{"type":"result","id":"1","ok":true}', '[]']) expect(parseServerMessage(bad)).toBeNull();
  });

  it('checks every kind of frame by hand (no zod in the browser), and refuses half-formed ones', () => {
    expect(parseServerMessage('{"type":"hello","protocol":1,"channels":["setLaser"],"events":["run"]}')).toMatchObject({ type: 'hello' });
    expect(parseServerMessage('{"type":"protocol-error","error":{"name":"ApiPayloadError","message":"m"}}')).toMatchObject({ type: 'protocol-error' });
    expect(parseServerMessage('{"type":"result","id":2,"ok":true,"value":null}')).toEqual({ type: 'result', id: 2, ok: true, value: null });
    for (const bad of [
      'null', '3', '{"type":"hello","protocol":1,"channels":[1],"events":[]}', '{"type":"hello","channels":[],"events":[]}',
      '{"type":"result","id":1,"ok":true}', '{"type":"result","id":1,"ok":false,"error":{"name":"E"}}', '{"type":"result","id":1,"ok":"yes","value":1}',
      '{"type":"event","event":"monitor"}', '{"type":"event","event":"toString","payload":1}', '{"type":"protocol-error","error":"x"}', '{"type":"call","id":1,"channel":"x"}',
    ]) expect(parseServerMessage(bad), bad).toBeNull();
  });
});

describe('the SCPI console', () => {
  it('tells queries from commands', () => {
    for (const q of ['*IDN?', ':SOUR0:WAV?', ':WAV? MAX', '*CLS;*IDN?', '1TP?', 'POS? 1']) expect(isQuery(q)).toBe(true);
    for (const c of ['*RST', ':SOUR0:WAV 1550NM', ':DISP:TEXT "what?"', 'MOV 1 2.5']) expect(isQuery(c)).toBe(false);
  });
});

describe('JSON numbers', () => {
  it('makes below-floor readings null in dBm and 0 in mW', () => {
    expect(dbmForJson(-Infinity)).toBeNull();
    expect(dbmToMwForJson(-Infinity)).toBe(0);
    expect(dbmForJson(NaN)).toBeNull();
    expect(dbmToMwForJson(NaN)).toBeNull();
    expect(dbmToMwForJson(10)).toBeCloseTo(10, 12);
    expect(dbmForJson(-3)).toBe(-3);
  });
});

describe('BenchEventHub', () => {
  it('delivers to named and catch-all listeners; a throwing listener stops no one', () => {
    const hub = new BenchEventHub();
    const got: string[] = [];
    hub.on('monitor', () => {
      throw new Error('broken window');
    });
    const off = hub.on('monitor', () => got.push('named'));
    hub.onAny((e) => got.push(`any:${e}`));
    hub.emit('monitor', { role: 'meter', time: '', benchTime_s: 0, channels: [] });
    expect(got).toEqual(['named', 'any:monitor']);
    off();
    hub.emit('monitor', { role: 'meter', time: '', benchTime_s: 0, channels: [] });
    expect(got).toEqual(['named', 'any:monitor', 'any:monitor']);
    expect(hub.listenerCount()).toBe(2);
    expect(vi.isMockFunction(hub.emit)).toBe(false);
  });
});
