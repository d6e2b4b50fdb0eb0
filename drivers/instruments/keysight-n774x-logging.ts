// The N774x logging function's wire facts: its sample limit, the trigger-input words for each mode, the
// time it takes to assemble a log block, and its `:FUNC:STAT?` reply (Keysight N774x programming guide).
import { BlockFormatError, ReplyFormatError } from '../errors.ts';
import { transferTimeout_ms } from '../properties/transfer-time.ts';
import type { LoggingState, LoggingTrigger } from '../roles/power-meter.ts';
import { decodeFloats } from '../scpi/block.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import type { ChannelAddress } from './keysight-n774x-model.ts';
import { isOverRange } from './keysight-n774x-readings.ts';

/** The N774x logs up to 1 M samples (816x modules fewer; they refuse more with an instrument error). */
export const MAX_LOG_SAMPLES = 1_000_000;

/** The meter's time to assemble a log block: a margin of 0.5 s and 1 µs per sample (not a specification). */
export function logAssembly_s(samples: number): number {
  return 0.5 + samples * 1e-6;
}

export const TRIGGER_INPUT: Readonly<Record<LoggingTrigger, string>> = { ignore: 'IGN', single: 'SME', continuous: 'CME' };

/** A `:FUNC:STAT?` reply, `<function>,<progress>`: NONE,COMPLETE (idle), LOGGING_STABILITY,PROGRESS, LOGGING_STABILITY,COMPLETE. */
export function parseLoggingState(resource: string, command: string, reply: string): LoggingState {
  const m = /^\s*"?([A-Z_]+)\s*,\s*([A-Z_]+)"?\s*$/i.exec(reply);
  if (!m) throw new ReplyFormatError(resource, command, reply, "'<function>,<COMPLETE|PROGRESS>', e.g. LOGGING_STABILITY,PROGRESS");
  const fn = (m[1] as string).toUpperCase();
  const progress = (m[2] as string).toUpperCase();
  if (fn === 'NONE') return 'idle';
  if (progress === 'COMPLETE') return 'complete';
  if (progress === 'PROGRESS') return 'running';
  throw new ReplyFormatError(resource, command, reply, 'progress COMPLETE or PROGRESS');
}

/**
 * Several ports' logs (`samples` in all) in one compound `:FUNC:RES?` query, one float32 little-endian
 * block a port joined by ';' (IEEE 488.2 §8.4: one round trip, not one a port), W, in `addrs` order;
 * over-range samples (NaN, or above 1e20 W, as the meter marks them) come back as +Infinity W.
 */
export async function fetchLogBlocks(session: ScpiSession, addrs: readonly ChannelAddress[], samples: number): Promise<number[][]> {
  const command = addrs.map((a) => `:SENS${a.slot}:CHAN${a.chan}:FUNC:RES?`).join(';');
  const blocks = await session.queryBlocks(command, addrs.length, { timeout_ms: transferTimeout_ms(session, 4 * samples, logAssembly_s(samples)) });
  return blocks.map((b) => {
    try {
      return decodeFloats(b, 'float32', 'little').map((v) => (isOverRange(v) ? Infinity : v));
    } catch (err) {
      throw new BlockFormatError(session.resource, command, (err as Error).message, { cause: err });
    }
  });
}
