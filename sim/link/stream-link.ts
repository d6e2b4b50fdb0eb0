// Serves one instrument over one byte stream (a TCP socket, one end of an in-process pair, a serial port):
// split what arrives into program messages, hand them to the instrument's host, write the replies back.
import type { Duplex } from 'node:stream';
import type { AttachedLink, InstrumentHost } from './instrument-host.ts';
import { MessageSplitter } from './message-splitter.ts';

export interface StreamLink extends AttachedLink {
  /** Resolves once the stream has closed and the link is detached from its host. */
  readonly closed: Promise<void>;
}

/** Attaches `stream` to `host` until the stream closes; `drop` cuts it (as a pulled cable would). */
export function serveStream(host: InstrumentHost, stream: Duplex, kind: AttachedLink['kind'], drop?: () => void): StreamLink {
  const splitter = new MessageSplitter(host.instrument.framing.inputTerminator, {
    onOverrun: (n) => host.inputOverrun(n),
  });
  let detach: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    stream.once('close', () => {
      detach();
      resolve();
    });
  });
  // A client vanishing mid-reply (ECONNRESET, EPIPE) is normal life for a server, not a crash.
  stream.on('error', () => undefined);
  stream.on('data', (chunk: Buffer) => {
    for (const message of splitter.push(chunk)) {
      void host.submit(message).then((reply) => {
        if (reply !== undefined && stream.writable && !stream.destroyed) stream.write(reply);
      });
    }
  });
  // The client closed its sending side: finish the replies already queued, then close ours.
  stream.on('end', () => {
    void host.drained().then(() => {
      if (!stream.destroyed) stream.end();
    });
  });
  const link: StreamLink = {
    kind,
    closed,
    drop: drop ?? (() => stream.destroy()),
  };
  detach = host.attach(link);
  return link;
}
