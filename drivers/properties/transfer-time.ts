// How long a large reply (a logged trace) may take: the read timeout is a deadline for the whole reply,
// so a fixed one that suits a number kills a million-point log on a slow link. The timeout grows with
// the bytes over the link's rate (taken low on purpose: a busy LAN, VXI-11's chunked reads and USB
// full speed all deliver far less than their line rate), plus the instrument's own time to assemble the
// block, on top of the session's usual timeout.
import { parseResource } from '../resource.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

/** Sustained rates assumed per link, bytes/s: a tenth or less of the line rate. */
export const LINK_RATE_BYTES_PER_S = {
  /** 100 Mbit/s Ethernet and up: ~10 MB/s on the wire, 1 MB/s assumed. */
  lan: 1_000_000,
  /** USB 2.0 full speed (12 Mbit/s) as most USBTMC instruments run: 0.5 MB/s assumed. */
  usbtmc: 500_000,
} as const;

/** 9600 baud serial moves 960 bytes/s (8N1: ten bits per byte): the slowest common line, assumed for any serial link. */
const SERIAL_BYTES_PER_S = 960;

/** The sustained rate assumed for the session's link, bytes/s. */
export function linkRate_Bps(session: ScpiSession): number {
  let kind: string;
  try {
    kind = parseResource(session.resource).kind;
  } catch {
    kind = 'tcpip-socket';
  }
  if (kind === 'serial') return SERIAL_BYTES_PER_S;
  if (kind === 'usbtmc') return LINK_RATE_BYTES_PER_S.usbtmc;
  return LINK_RATE_BYTES_PER_S.lan;
}

/**
 * The timeout for a reply of `bytes`: the session's timeout + bytes over the link's rate + the
 * instrument's time to prepare it (`instrument_s`), ms.
 */
export function transferTimeout_ms(session: ScpiSession, bytes: number, instrument_s = 0): number {
  const base = session.options.timeout_ms;
  return Math.ceil(base + (1000 * bytes) / linkRate_Bps(session) + 1000 * instrument_s);
}
