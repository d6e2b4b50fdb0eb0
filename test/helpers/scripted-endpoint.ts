// An in-process endpoint for SIM:: resources backed by scripted instruments, over the simulator's own
// linked duplex pair (closing either end closes both, as with a socket).
import type { Duplex } from 'node:stream';
import type { InProcessEndpoint } from '../../drivers/transport/transport.ts';
import { linkedDuplexPair } from '../../sim/link/duplex-pair.ts';
import type { ScriptedInstrument } from './scripted-instrument.ts';
import { serveStream } from './serve-stream.ts';

export interface ScriptedEndpoint extends InProcessEndpoint {
  /** The instrument-side ends handed out so far, for tests that drop a link from the instrument's side. */
  readonly serverEnds: Duplex[];
}

export function scriptedEndpoint(instruments: Record<string, ScriptedInstrument>): ScriptedEndpoint {
  const serverEnds: Duplex[] = [];
  return {
    serverEnds,
    connect(role: string): Duplex {
      const instrument = instruments[role];
      if (!instrument) throw new Error(`no scripted instrument plays '${role}' (have: ${Object.keys(instruments).join(', ')})`);
      const [client, server] = linkedDuplexPair();
      serverEnds.push(server);
      serveStream(server, instrument);
      return client;
    },
  };
}
