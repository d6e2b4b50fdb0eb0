// What differs between Keysight power meters: how many sensor channels, and how a channel number maps to
// the `SENS<slot>:CHAN<chan>` address. N774x multiport meters number their ports as slots (SENS1…SENS8,
// CHAN1); an 816x mainframe holds sensor modules in slots, dual-head modules with CHAN1/CHAN2.
import { z } from 'zod';
import { DriverOptionError } from '../properties/errors.ts';
import { parseDriverOptions } from '../properties/options.ts';

export interface ChannelAddress {
  slot: number;
  chan: number;
}

/** Ports per multiport meter model (A and C generations alike). */
const PORTS: ReadonlyArray<[RegExp, number]> = [
  [/^N7744[AC]$/i, 4],
  [/^N7745[AC]$/i, 8],
  [/^N7747[AC]$/i, 2],
  [/^N7748[AC]$/i, 2],
];

/** Multiport meters the driver recognises by `*IDN?`; 816x mainframes are named in the bench file instead. */
export const N774X_MODEL = /^N774[4578][AC]$/i;

export function portsOf(model: string): number | undefined {
  return PORTS.find(([re]) => re.test(model))?.[1];
}

const PORT_COUNT = 'must be a whole number of ports, 1…16';

const optionsSchema = z.object({
  /** A port count (ports 1…n), or explicit 'slot.chan' addresses for an 816x mainframe, e.g. ['1.1', '1.2', '2.1']. */
  channels: z.union([
    z.number().int(PORT_COUNT).min(1, PORT_COUNT).max(16, PORT_COUNT),
    z.array(z.string().regex(/^\d+\.[12]$/, "must look like 'slot.chan', e.g. '2.1'")).min(1, "must name at least one 'slot.chan' address"),
  ], { error: `must be a port count (1…16) or a list of 'slot.chan' addresses, e.g. ['1.1', '2.1']` }).optional(),
}).strict();

export type N774xOptions = z.output<typeof optionsSchema>;

export function parseN774xOptions(driver: string, options: Record<string, unknown>): N774xOptions {
  return parseDriverOptions(driver, optionsSchema, options);
}

/** Channel number (1-based) → address, from the options, else the model's port count, else one channel. */
export function channelMap(driver: string, model: string, options: N774xOptions): Map<number, ChannelAddress> {
  const map = new Map<number, ChannelAddress>();
  const spec = options.channels ?? portsOf(model) ?? 1;
  if (typeof spec === 'number') {
    for (let n = 1; n <= spec; n++) map.set(n, { slot: n, chan: 1 });
    return map;
  }
  spec.forEach((text, i) => {
    const [slot = 0, chan = 0] = text.split('.').map(Number);
    if ([...map.values()].some((a) => a.slot === slot && a.chan === chan)) {
      throw new DriverOptionError(driver, 'channels', `names ${text} twice`);
    }
    map.set(i + 1, { slot, chan });
  });
  return map;
}
