// `SIM::<role>`: the same instrument, reached through an in-memory duplex instead of a socket.
import type { Duplex } from 'node:stream';
import { linkedDuplexPair } from './duplex-pair.ts';
import type { InstrumentHost } from './instrument-host.ts';
import { serveStream } from './stream-link.ts';

/** Returns the client end of a new link to `host`; closing either end closes both, as with a socket. */
export function connectInProcess(host: InstrumentHost): Duplex {
  const [client, server] = linkedDuplexPair();
  serveStream(host, server, 'in-process');
  return client;
}
