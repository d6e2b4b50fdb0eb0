import { describe, expect, it } from 'vitest';
import { CommandTable, ScpiError, decodeFloats, encodeDefiniteBlock, encodeFloats, formatNR3, parseNumeric, scanBlock } from '../../../../drivers/scpi/index.ts';
import { FastClock } from '../../../../sim/clock.ts';
import type { BenchClock } from '../../../../sim/clock.ts';
import { ScpiInstrument, param, suffix } from '../../../../sim/scpi/index.ts';

/** A small instrument: a setting, a slow operation, a failing handler, a binary reply. */
const TOY_COMMANDS = new CommandTable<Toy>()
    .add(':SOURce#:LEVel', (s, a) => {
      suffix(a, 0, 1, 2);
      s.level = parseNumeric(param(a), { unit: 'V', min: 0, max: 10 });
      return undefined;
    })
    .add(':SOURce#:LEVel?', (s) => formatNR3(s.level))
    .add(':SLOW', (s) => {
      s.busyUntil_s = s.clock.now_s() + 2;
      return undefined;
    })
    .add(':CRASh', () => {
      throw new TypeError('boom');
    })
    .add(':EXECute:FAIL', () => {
      throw new ScpiError(-221, 'not now');
    })
    .add(':DATA?', () => encodeDefiniteBlock(encodeFloats([1.5, -2, 3.25], 'float32')));

class Toy extends ScpiInstrument {
  level = 0;
  busyUntil_s = 0;
  resets = 0;

  constructor(clock: BenchClock = new FastClock(), capacity?: number) {
    super({ role: 'toy', identity: 'ACME,TOY-1,SN42,1.0', clock, ...(capacity ? { errorQueueCapacity: capacity } : {}) });
    this.useCommands(TOY_COMMANDS, this);
  }
  protected override pendingUntil_s(): number {
    return Math.max(this.clock.now_s(), this.busyUntil_s);
  }
  protected override reset(): void {
    this.level = 0;
    this.resets++;
  }
}

async function q(inst: ScpiInstrument, message: string): Promise<string | undefined> {
  const r = await inst.execute(message);
  return r === undefined ? undefined : Buffer.from(r).toString('latin1');
}

describe('ScpiInstrument: dispatch and replies', () => {
  it('answers *IDN? and joins chained query replies with ; and one terminator', async () => {
    const t = new Toy();
    expect(await q(t, '*IDN?')).toBe('ACME,TOY-1,SN42,1.0\n');
    expect(await q(t, ':SOUR1:LEV 2.5;LEV?;*IDN?')).toBe('+2.50000000E+00;ACME,TOY-1,SN42,1.0\n');
    expect(await q(t, ':SOUR:LEV 1')).toBeUndefined();
    expect(await q(t, 'source2:level?')).toBe('+1.00000000E+00\n');
  });

  it('keeps a binary block byte for byte in a reply', async () => {
    const t = new Toy();
    const r = await t.execute(':DATA?');
    expect(r).toBeDefined();
    const bytes = r as Uint8Array;
    const scan = scanBlock(bytes);
    expect(scan.status).toBe('complete');
    if (scan.status !== 'complete') return;
    expect(decodeFloats(bytes.subarray(scan.payloadStart, scan.payloadEnd), 'float32')).toEqual([1.5, -2, 3.25]);
    expect(bytes[bytes.length - 1]).toBe(0x0a);
  });

  it('spends the command latency of bench time per exchange', async () => {
    const clock = new FastClock();
    const t = new Toy(clock);
    await t.execute('*IDN?');
    await t.execute(':SOUR:LEV 1');
    expect(clock.now_s()).toBeCloseTo(0.4e-3, 12);
  });
});

describe('ScpiInstrument: the error queue', () => {
  it('queues -113 for an unknown header, FIFO, and answers 0,"No error" when empty', async () => {
    const t = new Toy();
    await t.execute(':FOO:BAR');
    await t.execute(':SOUR:LEV 99');
    expect(await q(t, 'SYST:ERR:COUN?')).toBe('2\n');
    expect(await q(t, 'SYST:ERR?')).toMatch(/^-113,"Undefined header;FOO:BAR"\n$/);
    expect(await q(t, 'SYSTem:ERRor:NEXT?')).toMatch(/^-222,"Data out of range;/);
    expect(await q(t, 'SYST:ERR?')).toBe('0,"No error"\n');
  });

  it('reports -109 missing and -108 extra parameters, -131 a wrong unit, -114 a suffix out of range', async () => {
    const t = new Toy();
    await t.execute(':SOUR:LEV');
    await t.execute(':SOUR:LEV 1,2');
    await t.execute(':SOUR:LEV 1NM');
    await t.execute(':SOUR3:LEV 1');
    expect(t.queuedErrorCodes()).toEqual([-109, -108, -131, -114]);
    expect(await q(t, 'SYST:ERR:ALL?')).toMatch(/^-109,".*",-108,".*",-131,".*",-114,".*"\n$/);
    expect(await q(t, 'SYST:ERR:COUN?')).toBe('0\n');
  });

  it('turns a non-SCPI exception into -300 and keeps serving', async () => {
    const t = new Toy();
    expect(await q(t, ':CRAS;*IDN?')).toBe('ACME,TOY-1,SN42,1.0\n');
    expect(await q(t, 'SYST:ERR?')).toBe('-300,"Device-specific error;boom"\n');
  });

  it('discards the rest of a message after a command error but not after an execution error', async () => {
    const t = new Toy();
    expect(await q(t, ':NOPE;:SOUR:LEV 3')).toBeUndefined();
    expect(t.level).toBe(0);
    await t.execute(':EXEC:FAIL;:SOUR:LEV 3');
    expect(t.level).toBe(3);
    expect(t.queuedErrorCodes()).toEqual([-113, -221]);
  });

  it('queues a syntax error (-1xx) and executes nothing of a malformed message', async () => {
    const t = new Toy();
    await t.execute(':SOUR:LEV "unterminated');
    expect(t.queuedErrorCodes()).toHaveLength(1);
    expect(t.queuedErrorCodes()[0]).toBeLessThanOrEqual(-100);
    expect(t.queuedErrorCodes()[0]).toBeGreaterThan(-200);
  });

  it('bounds the queue: the last slot becomes -350 Queue overflow and later errors are dropped', async () => {
    const t = new Toy(new FastClock(), 5);
    for (let i = 0; i < 8; i++) await t.execute(`:BAD${i}`);
    expect(t.queuedErrorCodes()).toEqual([-113, -113, -113, -113, -350]);
    const all = (await q(t, 'SYST:ERR:ALL?')) ?? '';
    expect(all).toContain('-113,"Undefined header;BAD0"');
    expect(all).toContain('-113,"Undefined header;BAD3"');
    expect(all).not.toContain('BAD4');
    expect(all.trimEnd().endsWith('-350,"Queue overflow"')).toBe(true);
  });

  it('pushError queues any code with its detail (fault injection)', async () => {
    const t = new Toy();
    t.pushError(-241, 'detector missing');
    t.pushError(1234);
    expect(await q(t, 'SYST:ERR?;:SYST:ERR?')).toBe('-241,"Hardware missing;detector missing";1234,"Device-specific error"\n');
  });
});

describe('ScpiInstrument: IEEE 488.2 status and synchronisation', () => {
  it('sets ESR bits by error class, reads and clears *ESR?, summarises in *STB?', async () => {
    const t = new Toy();
    expect(await q(t, '*ESR?')).toBe('128\n'); // power-on
    await t.execute(':FOO'); // command error → 32
    await t.execute(':EXEC:FAIL'); // execution error → 16
    t.pushError(-310); // device-dependent → 8
    t.pushError(-410); // query error → 4
    expect(await q(t, '*STB?')).toBe('4\n'); // error queue not empty; ESE = 0 so no summary
    await t.execute('*ESE 48;*SRE 32');
    expect(await q(t, '*ESE?;*SRE?')).toBe('48;32\n');
    expect(await q(t, '*STB?')).toBe(String(4 | 32 | 64) + '\n');
    expect(await q(t, '*ESR?')).toBe(String(32 | 16 | 8 | 4) + '\n');
    expect(await q(t, '*ESR?')).toBe('0\n');
  });

  it('*CLS empties the queue and the event register', async () => {
    const t = new Toy();
    await t.execute(':FOO');
    await t.execute('*CLS');
    expect(await q(t, 'SYST:ERR:COUN?;*ESR?;*STB?')).toBe('0;0;0\n');
  });

  it('*ESE out of range gives -222, *TST? 0, *RST calls the reset hook and keeps the queue', async () => {
    const t = new Toy();
    await t.execute('*ESE 256');
    await t.execute(':SOUR:LEV 4;*RST');
    expect(t.level).toBe(0);
    expect(t.resets).toBe(1);
    expect(await q(t, '*TST?')).toBe('0\n');
    expect(t.queuedErrorCodes()).toEqual([-222]);
  });

  it('*OPC? and *WAI wait (in bench time) for pending operations; *OPC sets the OPC bit when done', async () => {
    const clock = new FastClock();
    const t = new Toy(clock);
    await t.execute('*ESR?');
    await t.execute(':SLOW;*OPC');
    expect(await q(t, '*ESR?')).toBe('0\n');
    expect(await q(t, '*OPC?')).toBe('1\n');
    expect(clock.now_s()).toBeGreaterThanOrEqual(2);
    expect(await q(t, '*ESR?')).toBe('1\n'); // the operation *OPC waited for is now complete
    await t.execute(':SLOW;*OPC;*WAI');
    expect(clock.now_s()).toBeGreaterThanOrEqual(4);
    expect(await q(t, '*ESR?')).toBe('1\n');
  });

  it('applies the leading-colon rule to chained commands (a relative header after a compound one)', async () => {
    const t = new Toy();
    await t.execute('SYST:ERR?;SYST:ERR?');
    expect(t.queuedErrorCodes()).toEqual([-113]);
  });

  it('runs messages one at a time even when sent concurrently', async () => {
    const t = new Toy();
    const replies = await Promise.all([q(t, ':SOUR:LEV 1;LEV?'), q(t, ':SOUR:LEV 2;LEV?'), q(t, ':SOUR:LEV 3;LEV?')]);
    expect(replies).toEqual(['+1.00000000E+00\n', '+2.00000000E+00\n', '+3.00000000E+00\n']);
  });
});
