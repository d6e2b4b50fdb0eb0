// Plausible junk for the `answerGarbage` fault: what a client reads when a reply is corrupted on the wire
// (line noise, a baud-rate mismatch, another box talking): printable bytes of about the reply's length,
// ending in the instrument's output terminator so a line-oriented client reads it as one reply.
import uniform from '@stdlib/random-base-uniform';

// No '#' (a client would read it as a block header and wait), no terminators, no quotes.
const NOISE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-.,:;?!@$%&*()[]{}<>/|~^_=';
// The first byte is never a digit or a sign, so the junk cannot pass for a number.
const LEAD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ?!@$%&*~^';

export type JunkSource = (replyLength: number, terminator: string) => Uint8Array;

/** A seeded junk generator: the same seed gives the same junk, so fault tests are reproducible. */
export function createJunkSource(seed: number): JunkSource {
  const rand = uniform.factory(0, 1, { seed: (seed >>> 0) + 0x5eed });
  const pick = (alphabet: string): string => alphabet[Math.floor(rand() * alphabet.length)] ?? alphabet[0] ?? '?';
  return (replyLength, terminator) => {
    const n = Math.max(4, Math.min(replyLength - terminator.length, 256));
    let text = pick(LEAD);
    for (let i = 1; i < n; i++) text += pick(NOISE);
    return Buffer.from(text + terminator, 'latin1');
  };
}
