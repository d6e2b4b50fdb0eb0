// Relative (dB) mode of a Keysight power-meter port (`:SENSe:POWer:REFerence:STATe 1`). A port left in it
// (front panel, another program) reads and logs dB relative to its reference, not dBm or W, and nothing in
// the reply says so: a -3 "dBm" reading would be -3 dB below some reference. The driver reads the state of
// its ports at open and before every log, switches a relative port back to absolute and says so (the
// bench's notice). Source: Keysight 816x / N774x programming guides, `:SENSe:POWer:REFerence:STATe`;
// SweepMe! `Logger-Keysight_816xx` (`set_reference_state`, `sens<slot>:pow:ref:stat 0` = absolute).
import { ReplyFormatError } from '../errors.ts';
import { queryChained } from '../properties/chain.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import type { ChannelAddress } from './keysight-n774x-model.ts';

export type Ported = readonly (readonly [channel: number, address: ChannelAddress])[];

export function referenceStateQuery(a: ChannelAddress): string {
  return `:SENS${a.slot}:CHAN${a.chan}:POW:REF:STAT?`;
}

export function absoluteCommand(a: ChannelAddress): string {
  return `:SENS${a.slot}:CHAN${a.chan}:POW:REF:STAT 0`;
}

/** The channels among `ports` that are in relative mode; one round trip for all of them. */
export async function relativeChannels(session: ScpiSession, ports: Ported): Promise<number[]> {
  const queries = ports.map(([, a]) => referenceStateQuery(a));
  const replies = await queryChained(session, queries);
  const command = queries.join(';');
  return ports.filter((_, i) => {
    const reply = (replies[i] as string).trim().replace(/^\+/, '');
    if (reply !== '0' && reply !== '1') throw new ReplyFormatError(session.resource, command, replies.join(';'), "'0' (absolute) or '1' (relative) per port");
    return reply === '1';
  }).map(([ch]) => ch);
}

/** What the bench is told when the driver switched ports out of relative mode. */
export function relativeNotice(resource: string, channels: readonly number[], when: string): string {
  const which = channels.length === 1 ? `channel ${channels[0]} was` : `channels ${channels.join(', ')} were`;
  return `${resource}: ${which} in relative (dB) mode (:SENS:POW:REF:STAT 1), so readings and logs would have been dB ` +
    `relative to a reference; switched to absolute ${when}`;
}

/** Where a driver's notices go unless the bench gives its own: Node's warning channel (stderr in the CLI). */
export function emitNotice(message: string): void {
  process.emitWarning(message, { code: 'BENCH_DRIVER_NOTICE' });
}
