// A simulated bench served over TCP with a fault proxy in front of each role, and the bench file that points
// a run at the proxies: the fixture of the integration tests that stall, drop and garble real sockets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simBenchFileYaml } from '../../sim/link/bench-file.ts';
import type { ServedBench } from '../../sim/link/link-hub.ts';
import { VirtualBench } from '../../sim/virtual-bench.ts';
import { FaultProxy } from './fault-proxy.ts';

export interface ProxiedSim {
  /** A temp folder for the bench file, sequences and runs; removed by close(). */
  dir: string;
  sim: VirtualBench;
  /** The simulator's own endpoints, for a second connection that bypasses the proxies. */
  served: ServedBench;
  proxies: Record<string, FaultProxy>;
  /** Writes bench.yaml (each role through its proxy) into dir and returns its path. */
  benchFile(): string;
  close(): Promise<void>;
}

export async function startProxiedSim(opts: { seed: number; mode: 'fast' | 'realtime'; roles: readonly string[]; prefix: string }): Promise<ProxiedSim> {
  const dir = mkdtempSync(join(tmpdir(), `benchctl-${opts.prefix}-`));
  const sim = new VirtualBench({ seed: opts.seed, mode: opts.mode });
  const served = await sim.serveTcp({ portBase: 0 });
  const proxies: Record<string, FaultProxy> = {};
  for (const r of opts.roles) proxies[r] = await FaultProxy.start(served.resource(r));
  return {
    dir, sim, served, proxies,
    benchFile() {
      const file = join(dir, 'bench.yaml');
      writeFileSync(file, simBenchFileYaml({ seed: opts.seed, mode: opts.mode, tcp: Object.fromEntries(opts.roles.map((r) => [r, proxies[r]?.resource ?? ''])) }));
      return file;
    },
    async close() {
      for (const p of Object.values(proxies)) await p.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
