// `benchctl scpi` without a child process: what counts as a query, how arguments are read and refused,
// how replies and errors are shown, and the targets it refuses before opening anything.
import { describe, expect, it } from 'vitest';
import { describeResult, isQuery, showReply } from '../../../cli/scpi-line.ts';
import { parseScpiArgs } from '../../../cli/scpi-command.ts';
import { openTarget } from '../../../cli/scpi-target.ts';
import { CliUsageError } from '../../../cli/usage-error.ts';
import { TimeoutError } from '../../../drivers/errors.ts';

describe('isQuery', () => {
  it.each(['*IDN?', ':SOUR0:WAV?', ':sour0:wav? max', '1TP?', 'POS? 1', 'ERR?', '*RST;*IDN?', ' :SYST:ERR? '])('%j is a query', (line) => {
    expect(isQuery(line)).toBe(true);
  });
  it.each(['*RST', ':SOUR0:WAV 1550NM', '1PA5.0', 'MOV 1 10', 'SVO 1 1', ':DISP:TEXT "why?"'])('%j is a command', (line) => {
    expect(isQuery(line)).toBe(false);
  });
});

describe('parseScpiArgs', () => {
  it('reads a resource and a command, or a bench role and a command', () => {
    expect(parseScpiArgs(['TCPIP0::h::5025::SOCKET', '*IDN?', '--timeout', '500'])).toEqual({
      target: { resource: 'TCPIP0::h::5025::SOCKET', timeout_ms: 500, sim: false, seed: 1 }, command: '*IDN?', history: undefined,
    });
    expect(parseScpiArgs(['--bench', 'b.yaml', '--role', 'stage', '1TP?'])).toMatchObject({
      target: { bench: 'b.yaml', role: 'stage' }, command: '1TP?',
    });
    expect(parseScpiArgs(['--sim', '--seed', '4', 'SIM::laser'])).toMatchObject({ target: { resource: 'SIM::laser', sim: true, seed: 4 }, command: undefined });
    expect(parseScpiArgs(['-h'])).toBe('help');
  });

  it('refuses what it cannot use', () => {
    expect(() => parseScpiArgs(['R', '*IDN?', '*RST'])).toThrow(/expected one command \(quote it if it has spaces\), got 2: "\*IDN\?" "\*RST"/);
    expect(() => parseScpiArgs(['R', '*IDN?', '--timeout', '0'])).toThrow(/--timeout expects an integer ≥ 1, got '0'/);
    expect(() => parseScpiArgs(['R', '*IDN?', '--timeout', 'soon'])).toThrow(CliUsageError);
    expect(() => parseScpiArgs(['R', '   '])).toThrow(/the command is empty/);
    expect(() => parseScpiArgs(['R', '--colour'])).toThrow(CliUsageError);
  });
});

describe('openTarget refusals', () => {
  const base = { sim: false, seed: 1 };
  it('needs a resource or a bench role', async () => {
    await expect(openTarget(base)).rejects.toThrow(/expected a resource/);
    await expect(openTarget({ ...base, role: 'laser' })).rejects.toThrow(/--role needs --bench FILE/);
    await expect(openTarget({ ...base, bench: 'b.yaml' })).rejects.toThrow(/--bench needs --role ROLE/);
  });
  it('explains SIM:: resources without --sim, unknown drivers and unsupported resources', async () => {
    await expect(openTarget({ ...base, resource: 'SIM::laser' })).rejects.toThrow(/SIM::laser is a simulated instrument: add --sim/);
    await expect(openTarget({ ...base, resource: 'TCPIP0::127.0.0.1::1::SOCKET', driver: 'hp-8153' }))
      .rejects.toThrow(/unknown driver 'hp-8153'; known drivers: keysight-n774x, .*, pi-gcs/);
    await expect(openTarget({ ...base, resource: 'GPIB0::5::INSTR' })).rejects.toThrow(/a GPIB resource, which is not supported/);
  });
});

describe('showing results', () => {
  it('prints replies as they came and blocks by size', () => {
    expect(showReply('+1.55000000E-06')).toBe('+1.55000000E-06');
    expect(showReply('#14ABCD')).toBe('<definite block, 4 bytes: 41 42 43 44>');
  });
  it('puts failures first, then each instrument error with its code', () => {
    const timeout = new TimeoutError('R', 'FOO?', 300);
    expect(describeResult({ instrumentErrors: [{ code: -113, message: 'Undefined header' }], failure: timeout })).toEqual({
      out: [],
      err: ["timeout after 300 ms waiting for the reply to 'FOO?' from R", 'error -113: Undefined header'],
    });
    expect(describeResult({ reply: '1', instrumentErrors: [] })).toEqual({ out: ['1'], err: [] });
  });
});
