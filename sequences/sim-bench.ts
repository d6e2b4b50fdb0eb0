// A bench on an in-process VirtualBench (`--sim`): the simulator's own bench file with SIM::<role>
// resources, optionally with an alternate front end of the same hardware in a role (the Santec laser,
// the ESP301 or PI stage), opened through the same drivers as real hardware. It lives above drivers/ and
// sim/ because it joins the two: drivers/ knows nothing of the simulator (ARCHITECTURE.md).
import { parseBenchFile } from '../drivers/bench/bench-file.ts';
import type { BenchConfig } from '../drivers/bench/bench-file.ts';
import type { Bench } from '../drivers/bench/bench.ts';
import { openBench } from '../drivers/bench/open-bench.ts';
import type { DriverDescriptor } from '../drivers/driver.ts';
import { SIM_DRIVERS, simBenchFileYaml, simDriverFor } from '../sim/link/bench-file.ts';
import type { VirtualBench } from '../sim/virtual-bench.ts';

export interface SimBenchOptions {
  /** Bench role → simulator role standing in for it, e.g. `{ stage: 'stage-esp', laser: 'laser-santec' }`. */
  use?: Readonly<Record<string, string>>;
  /** Use `driver: auto` for every role instead of the simulator's driver names. */
  autoDetect?: boolean;
  /** Close the VirtualBench when the bench closes (default false: the caller owns it). */
  closeSimulator?: boolean;
  drivers?: readonly DriverDescriptor[];
}

/** The simulator's bench configuration with SIM:: resources (the default roles, then `use` substitutions). */
export function simBenchConfig(sim: VirtualBench, opts: Pick<SimBenchOptions, 'use' | 'autoDetect'> = {}): BenchConfig {
  const resources = Object.fromEntries(sim.roles.map((r) => [r, `SIM::${r}`]));
  const drivers = Object.fromEntries(sim.roles.map((r) => [r, simDriverFor(r, sim.instrument(r).identity) ?? '']).filter(([, d]) => d !== ''));
  const text = simBenchFileYaml({ seed: sim.seed, mode: sim.clock.mode, tcp: resources, drivers, world: sim.world });
  const config = parseBenchFile(text, { file: `simulated bench (seed ${sim.seed})` });
  for (const [role, simRole] of Object.entries(opts.use ?? {})) {
    const entry = config.instruments.find((i) => i.role === role);
    const driver = SIM_DRIVERS[simRole];
    if (!entry) throw new RangeError(`simulated bench: no role '${role}' to substitute; roles: ${config.instruments.map((i) => i.role).join(', ')}`);
    if (!driver || !sim.roles.includes(simRole)) throw new RangeError(`simulated bench: no simulated instrument '${simRole}'; the simulator has ${sim.roles.join(', ')}`);
    entry.resource = `SIM::${simRole}`;
    entry.driver = driver;
    // The driver's own session defaults (terminators, dialect) fit the simulated dialect; keep only the timeout.
    entry.session = entry.session.timeout_ms === undefined ? {} : { timeout_ms: entry.session.timeout_ms };
  }
  if (opts.autoDetect) for (const entry of config.instruments) entry.driver = 'auto';
  return config;
}

/** Opens the simulator's bench in-process. */
export function openSimBench(sim: VirtualBench, opts: SimBenchOptions = {}): Promise<Bench> {
  return openBench(simBenchConfig(sim, opts), {
    inProcess: sim,
    ...(opts.drivers ? { drivers: opts.drivers } : {}),
    ...(opts.closeSimulator ? { onClose: () => sim.close() } : {}),
  });
}
