// A bench of fake drivers for engine tests: sessions that can be "lost" and reopened, safe() calls counted.
import { EventEmitter } from 'node:events';
import { Bench, type BenchInstrument } from '../../../drivers/bench/bench.ts';
import type { InstrumentDriver, RoleKind } from '../../../drivers/driver.ts';
import { LinkLostError } from '../../../drivers/errors.ts';

export class FakeSession extends EventEmitter {
  reopens = 0;
  state: 'open' | 'lost' = 'open';
  /** Identify fails while this is > 0 (decremented per attempt); Infinity: never comes back. */
  failIdentify = 0;

  constructor(readonly resource: string) {
    super();
  }

  lose(): LinkLostError {
    this.state = 'lost';
    const err = new LinkLostError(this.resource, 'peer closed');
    this.emit('lost', err);
    return err;
  }

  /** What watchAnswer's checker says (ScpiSession.watchAnswer): the test says when the command got through. */
  answered = false;
  watched: string | undefined;

  watchAnswer(command: string): () => boolean {
    this.watched = command;
    this.answered = false;
    return () => this.answered;
  }

  async reopen(): Promise<void> {
    this.reopens++;
    this.state = 'open';
  }
}

export interface FakeLog {
  calls: string[];
}

export function fakeBench(roles: RoleKind[] = ['laser', 'meter', 'stage']): { bench: Bench; log: FakeLog; sessions: Record<string, FakeSession> } {
  const log: FakeLog = { calls: [] };
  const sessions: Record<string, FakeSession> = {};
  const instruments: BenchInstrument[] = roles.map((kind) => {
    const resource = `SIM::${kind}`;
    const session = new FakeSession(resource);
    sessions[kind] = session;
    const driver = {
      kind, driverName: `fake-${kind}`, session,
      async identify() {
        log.calls.push(`identify ${kind}`);
        if (session.failIdentify > 0) {
          session.failIdentify--;
          throw new Error(`${resource} does not answer`);
        }
        return `FAKE,${kind}`;
      },
      async safe() {
        log.calls.push(`safe ${kind}`);
      },
      async close() {},
    } as unknown as InstrumentDriver;
    return { role: kind, kind, driverName: `fake-${kind}`, resource, identity: `FAKE,${kind}`, detected: false, driver };
  });
  return { bench: new Bench('fake bench', instruments), log, sessions };
}
