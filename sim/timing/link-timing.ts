// One role's exchange timing, drawn from its profile entry with its own seeded stream: the way in (half
// the round trip, the message's bytes, the instrument's processing of that kind of command) is charged
// before the message executes, so a command takes effect that much after it was sent; the way back (the
// other half, the reply's bytes, a block's extra processing) after it. Deterministic per seed and role.
import type { SeededRandom } from '../random.ts';
import type { InstrumentTiming, RoundTrip } from './timing-profile.ts';

export class LinkTiming {
  private readonly byte_s: number;
  private pendingBack_s = 0;

  constructor(
    readonly spec: InstrumentTiming,
    private readonly rng: SeededRandom,
    /** The bytes that end a message (its terminator), counted on the wire. */
    private readonly terminatorBytes = 1,
  ) {
    const link = spec.link;
    if (link.kind === 'lan') this.byte_s = 1 / link.bytesPerSecond;
    else {
      // One start bit, the data bits, a parity bit when used, the stop bits.
      const bits = 1 + link.dataBits + (link.parity === 'none' ? 0 : 1) + link.stopBits;
      this.byte_s = bits / link.baud;
    }
  }

  /** Seconds from sending `message` to the instrument acting on it. */
  inbound_s(message: string): number {
    const rt = drawRoundTrip_s(this.spec.link.roundTrip, this.rng);
    this.pendingBack_s = rt / 2;
    const p = this.spec.processing;
    const processing_ms = message.includes('?') ? p.query_ms : p.set_ms;
    return rt / 2 + (Buffer.byteLength(message, 'latin1') + this.terminatorBytes) * this.byte_s + processing_ms / 1000;
  }

  /** Seconds from the instrument's reply to the client holding all of it. */
  outbound_s(reply: Uint8Array): number {
    const back = this.pendingBack_s;
    this.pendingBack_s = 0;
    const block = reply[0] === 0x23; /* '#': a definite or indefinite block */
    return back + reply.length * this.byte_s + (block ? this.spec.processing.data_ms / 1000 : 0);
  }
}

/** One round trip, s: a clipped normal body plus, now and then, an exponential tail. */
export function drawRoundTrip_s(rt: RoundTrip, rng: SeededRandom): number {
  let ms = Math.max(rt.min_ms, rng.normal(rt.mean_ms, rt.sigma_ms));
  if (rt.tail && rt.tail.probability > 0 && rng.next() < rt.tail.probability) ms += -rt.tail.mean_ms * Math.log(1 - rng.next());
  return ms / 1000;
}
