// Two connected in-memory Duplex ends: bytes written to one are read from the other.
// node:stream's duplexPair does not tell one end when the other is destroyed; a link must behave like a
// socket, where closing either end closes the connection for both, so this pair propagates destroy.
import { Duplex } from 'node:stream';

class LinkEnd extends Duplex {
  peer: LinkEnd | undefined;

  override _read(): void {
    // Data is pushed by the peer's writes; nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.readableEnded) {
      callback(Object.assign(new Error('in-process link is closed'), { code: 'EPIPE' }));
      return;
    }
    peer.push(chunk);
    callback();
  }

  override _final(callback: (err?: Error | null) => void): void {
    const peer = this.peer;
    if (peer && !peer.destroyed) peer.push(null);
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer) {
      peer.peer = undefined;
      if (!peer.destroyed) {
        // The peer sees end-of-stream first (if it is reading), then its own close, as a socket would.
        if (!peer.readableEnded) peer.push(null);
        setImmediate(() => peer.destroy());
      }
    }
    callback(err);
  }
}

/** Returns [a, b]: what is written to a is read from b and vice versa; destroying either closes both. */
export function linkedDuplexPair(): [Duplex, Duplex] {
  const a = new LinkEnd();
  const b = new LinkEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
