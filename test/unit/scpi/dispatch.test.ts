import { describe, expect, it } from 'vitest';
import { CommandTable, parseProgramMessage, ScpiErrorCode } from '../../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../../drivers/scpi/index.ts';
import { scpiErrorOf } from './scpi-error-of.ts';

interface Ctx { wavelength_m: number; log: string[] }

function table() {
  return new CommandTable<Ctx>()
    .add('*IDN?', () => 'Keysight Technologies,N7744A,SIM0001,1.0')
    .add('[:SOURce#]:WAVelength', (ctx, { params }) => {
      ctx.wavelength_m = Number(params[0]);
      return undefined;
    })
    .add('[:SOURce#]:WAVelength?', (ctx, { match }) => `${match.suffixes[0]}:${ctx.wavelength_m}`)
    .add('SENSe#:CHANnel#:POWer:WAVelength[?]', (_ctx, { match }) => match.suffixes.join(','))
    .add('SENSe#:CHANnel#:POWer:ATIMe[?]', () => 'atime')
    .add('SYSTem:ERRor[:NEXT]?', () => '0,"No error"')
    .add(':SOURce#:WAVelength:SWEep[:STATe][?]', (_ctx, { cmd }) => `sweep ${cmd.header}`);
}

const lookupMsg = (t: CommandTable<Ctx>, msg: string) => t.lookup(parseProgramMessage(msg)[0]!);

describe('CommandTable', () => {
  it('finds the handler and the match, and the handler sees ctx and params', async () => {
    const t = table();
    const ctx: Ctx = { wavelength_m: 0, log: [] };
    const cmd = parseProgramMessage(':SOUR2:WAV 1.55e-6')[0]!;
    const { handler, match } = t.lookup(cmd);
    expect(match).toEqual({ suffixes: [2], query: false });
    const args: HandlerArgs = { match, cmd, params: cmd.params };
    expect(await handler(ctx, args)).toBeUndefined();
    expect(ctx.wavelength_m).toBe(1.55e-6);
  });

  it('separates the command and query forms of one header', async () => {
    const t = table();
    const ctx: Ctx = { wavelength_m: 1.31e-6, log: [] };
    const cmd = parseProgramMessage('WAV?')[0]!;
    const { handler, match } = t.lookup(cmd);
    expect(await handler(ctx, { match, cmd, params: cmd.params })).toBe('1:0.00000131');
  });

  it('finds patterns by any possible first node, including past a leading optional node', () => {
    const t = table();
    expect(lookupMsg(t, 'wavelength 1').match.suffixes).toEqual([1]);
    expect(lookupMsg(t, 'SOURCE7:WAV?').match.suffixes).toEqual([7]);
    expect(lookupMsg(t, 'sens2:chan4:pow:wav?').match).toEqual({ suffixes: [2, 4], query: true });
    expect(lookupMsg(t, 'SENSE:CHAN:POW:ATIM 1').match.suffixes).toEqual([1, 1]);
    expect(lookupMsg(t, '*idn?').match).toEqual({ suffixes: [], query: true });
  });

  it('prefers the first added pattern when several match', async () => {
    const t = new CommandTable<null>().add('SOURce#:WAVelength:SWEep[:STATe][?]', () => 'first').add('SOURce#:WAVelength:SWEep?', () => 'second');
    const cmd = parseProgramMessage('SOUR:WAV:SWE?')[0]!;
    const { handler, match } = t.lookup(cmd);
    expect(await handler(null, { match, cmd, params: [] })).toBe('first');
  });

  it('throws ScpiError -113 naming the header when nothing matches', () => {
    const t = table();
    for (const [msg, header] of [['FOO:BAR 1', 'FOO:BAR'], ['SYST:ERR', 'SYST:ERR'], ['*RST', '*RST'], ['SENS1:CHAN1:POW:WAV:X?', 'SENS1:CHAN1:POW:WAV:X?']] as const) {
      const e = scpiErrorOf(() => lookupMsg(t, msg));
      expect(e.code).toBe(ScpiErrorCode.UndefinedHeader);
      expect(e.detail).toBe(header);
      expect(e.toQueueEntry()).toBe(`-113,"Undefined header;${header}"`);
    }
  });

  it('gives each lookup its own match, also when the header repeats (cached)', () => {
    const t = table();
    const a = lookupMsg(t, 'SENS3:CHAN2:POW:WAV?').match;
    a.suffixes[0] = 99;
    expect(lookupMsg(t, 'SENS3:CHAN2:POW:WAV?').match).toEqual({ suffixes: [3, 2], query: true });
    expect(lookupMsg(t, 'SENS3:CHAN2:POW:WAV 1').match).toEqual({ suffixes: [3, 2], query: false });
  });

  it('sees patterns added after earlier lookups', () => {
    const t = new CommandTable<null>().add('A:B', () => 'ab');
    expect(() => lookupMsg(t as unknown as CommandTable<Ctx>, 'A:C')).toThrow('Undefined header');
    t.add('A:C', () => 'ac');
    expect(lookupMsg(t as unknown as CommandTable<Ctx>, 'A:C').match.query).toBe(false);
  });

  it('keeps the results right across many distinct headers (cache eviction)', () => {
    const t = new CommandTable<null>().add('CHANnel#:VALue[?]', () => 'v');
    for (let i = 0; i < 2000; i++) {
      const { match } = t.lookup(parseProgramMessage(`CHAN${i}:VAL?`)[0]!);
      expect(match.suffixes[0]).toBe(i);
    }
  });

  it('refuses a bad pattern when it is added, naming it', () => {
    expect(() => new CommandTable<null>().add('SOUR::WAV', () => undefined)).toThrow("'SOUR::WAV'");
  });

  it('lists its patterns in order', () => {
    expect(table().patterns.slice(0, 2)).toEqual(['*IDN?', '[:SOURce#]:WAVelength']);
  });
});
