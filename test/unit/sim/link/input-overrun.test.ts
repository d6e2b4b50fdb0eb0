// A message that outgrows an instrument's input buffer is discarded; each dialect reports it its own way,
// and one without such an error code says nothing (no made-up "UNKNOWN ERROR -363" on an ESP301).
import { afterEach, describe, expect, it } from 'vitest';
import { LinkHub } from '../../../../sim/link/link-hub.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../../sim/link/message-splitter.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';
import { FakeInstrument } from './fake-instrument.ts';
import { LineClient } from './line-client.ts';

const OVERSIZED = Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + 1024, 0x41);

describe('input buffer overrun, per dialect', () => {
  let bench: VirtualBench | undefined;
  afterEach(async () => {
    await bench?.close();
    bench = undefined;
  });

  it('a SCPI instrument queues -363 "Input buffer overrun" and keeps serving', async () => {
    bench = new VirtualBench({ seed: 1 });
    const c = new LineClient(bench.connect('meter'));
    c.write(OVERSIZED);
    expect(await c.query('SYST:ERR?\n', 5000)).toMatch(/^-363,"Input buffer overrun;\d+ bytes without a terminator discarded"$/);
    expect(await c.query('SYST:ERR?\n')).toBe('0,"No error"');
    expect(await c.query('*IDN?\n')).toMatch(/^Keysight/);
  });

  it('the PI GCS stage sets its own error 3 (command length out of limits or buffer overrun)', async () => {
    bench = new VirtualBench({ seed: 1 });
    const c = new LineClient(bench.connect('stage-pi'));
    c.write(OVERSIZED);
    expect(await c.query('ERR?\n', 5000)).toBe('3');
    expect(await c.query('ERR?\n')).toBe('0');
  });

  it('the ESP301 has no code for it: the bytes are dropped and its error buffer stays empty', async () => {
    bench = new VirtualBench({ seed: 1 });
    const c = new LineClient(bench.connect('stage-esp'), '\r\n');
    c.write(OVERSIZED);
    expect(await c.query('TB?\r', 5000)).toMatch(/^0, \d+, NO ERROR DETECTED$/);
    expect(await c.query('1MD?\r')).toBe('1');
  });

  it('an instrument without the hook is left alone (nothing pushed to its queue)', async () => {
    const silent = new FakeInstrument('meter');
    Object.defineProperty(silent, 'reportInputOverrun', { value: undefined });
    const hub = new LinkHub([silent]);
    try {
      const c = new LineClient(hub.connect('meter'));
      c.write(OVERSIZED);
      expect(await c.query('ERR?\n', 5000)).toBe('0');
    } finally {
      await hub.close();
    }
  });
});
