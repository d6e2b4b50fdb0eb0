// The virtual bench for the optical driver tests: the same drivers opened in-process (`SIM::<role>`) or
// over loopback TCP, a raw session for the stage (whose drivers are not under test here), and fiber
// alignment from the hidden truth so light reaches the chip's loopback.
import type { DriverDescriptor, InstrumentDriver } from '../../../../drivers/driver.ts';
import { openResource } from '../../../../drivers/open-resource.ts';
import type { ScpiSession } from '../../../../drivers/session/scpi-session.ts';
import type { SessionOptions } from '../../../../drivers/session/session-options.ts';
import { VirtualBench } from '../../../../sim/virtual-bench.ts';
import type { ServedBench } from '../../../../sim/link/link-hub.ts';

export type Link = 'in-process' | 'tcp';
export const LINKS: readonly Link[] = ['in-process', 'tcp'];

export interface SimFixture {
  bench: VirtualBench;
  link: Link;
  /** Opens a session to `role` with the descriptor's defaults (and `session` overrides) and creates the driver. */
  open<T extends InstrumentDriver>(descriptor: DriverDescriptor<T>, role: string, options?: Record<string, unknown>, session?: SessionOptions): Promise<T>;
  session(role: string, options?: SessionOptions): Promise<ScpiSession>;
  /** Puts the fiber array on site 0's true optimum (XY first, from above, then down to the best height). */
  align(): Promise<void>;
  close(): Promise<void>;
}

export async function simFixture(link: Link, opts: { seed?: number; mode?: 'fast' | 'realtime' } = {}): Promise<SimFixture> {
  const bench = new VirtualBench({ seed: opts.seed ?? 3, mode: opts.mode ?? 'fast', drift_um_per_h: 0 });
  const served: ServedBench | null = link === 'tcp' ? await bench.serveTcp({ portBase: 0 }) : null;
  const sessions: ScpiSession[] = [];
  const session = async (role: string, options: SessionOptions = {}): Promise<ScpiSession> => {
    const s = served
      ? await openResource(served.resource(role), options)
      : await openResource(`SIM::${role}`, { ...options, inProcess: bench });
    sessions.push(s);
    return s;
  };
  return {
    bench,
    link,
    async open(descriptor, role, options = {}, overrides = {}) {
      const s = await session(role, { ...descriptor.sessionDefaults, ...overrides });
      return descriptor.create({ session: s, role, options });
    },
    session: (role, options) => session(role, options),
    async align() {
      const stage = await session('stage', { timeout_ms: 10_000 });
      const best = bench.truth().optical.optimaNow_um[0];
      if (!best) throw new Error('the simulated chip has no site 0');
      await stage.write(`:AXIS3:POS ${(best.z_um + 100).toFixed(3)}`);
      await stage.opc();
      await stage.write(`:AXIS1:POS ${best.x_um.toFixed(3)};:AXIS2:POS ${best.y_um.toFixed(3)}`);
      await stage.opc();
      await stage.write(`:AXIS3:POS ${best.z_um.toFixed(3)}`);
      await stage.opc();
      await stage.checkErrors();
    },
    async close() {
      await Promise.all(sessions.map((s) => s.close()));
      await served?.close();
      await bench.close();
    },
  };
}
