// What `benchctl scpi` talks to: a resource given directly (with a driver's session settings if asked),
// or a role of a bench file (its resource, settings and driver), and for `--sim` an in-process simulator.
import { detectDriver } from '../drivers/bench/auto-detect.ts';
import { loadBenchFile } from '../drivers/bench/bench-file.ts';
import { DRIVERS, findDriver, getDriver } from '../drivers/bench/registry.ts';
import type { DriverDescriptor } from '../drivers/driver.ts';
import { openResource } from '../drivers/open-resource.ts';
import { parseResource } from '../drivers/resource.ts';
import type { ScpiSession } from '../drivers/session/scpi-session.ts';
import type { SessionOptions } from '../drivers/session/session-options.ts';
import { SIM_DRIVERS } from '../sim/link/bench-file.ts';
import { VirtualBench } from '../sim/virtual-bench.ts';
import { CliUsageError } from './usage-error.ts';

export interface TargetSpec {
  resource?: string;
  bench?: string;
  role?: string;
  driver?: string;
  timeout_ms?: number;
  sim: boolean;
  seed: number;
}

export interface Target {
  session: ScpiSession;
  /** The resource as resolved, for prompts and messages. */
  resource: string;
  /** The driver whose session settings were used, if any. */
  driver: DriverDescriptor | undefined;
  /** Closes the session (and the simulator for --sim). */
  close(): Promise<void>;
}

/** Opens the session a `benchctl scpi` call talks through. */
export async function openTarget(spec: TargetSpec): Promise<Target> {
  const sim = spec.sim ? new VirtualBench({ seed: spec.seed, mode: 'fast' }) : undefined;
  try {
    const { resource, driver, settings } = await resolve(spec, sim);
    const session = await openResource(resource, {
      ...driver?.sessionDefaults,
      ...settings,
      ...(spec.timeout_ms !== undefined ? { timeout_ms: spec.timeout_ms } : {}),
      ...(sim ? { inProcess: sim } : {}),
    });
    return {
      session,
      resource,
      driver,
      async close() {
        await session.close();
        await sim?.close();
      },
    };
  } catch (err) {
    await sim?.close();
    throw err;
  }
}

async function resolve(spec: TargetSpec, sim: VirtualBench | undefined): Promise<{ resource: string; driver: DriverDescriptor | undefined; settings: SessionOptions }> {
  if (spec.bench !== undefined) {
    if (spec.role === undefined) throw new CliUsageError('--bench needs --role ROLE (which instrument of the bench file to talk to)');
    const config = await loadBenchFile(spec.bench);
    const entry = config.instruments.find((i) => i.role === spec.role);
    if (!entry) throw new CliUsageError(`${spec.bench} has no role '${spec.role}'; its roles are ${config.instruments.map((i) => i.role).join(', ')}`);
    let driver: DriverDescriptor;
    if (spec.driver !== undefined) driver = named(spec.driver);
    else if (entry.driver === 'auto') driver = (await detectDriver(entry.resource, { session: entry.session, ...(sim ? { inProcess: sim } : {}) })).driver;
    else driver = named(entry.driver);
    return { resource: entry.resource, driver, settings: entry.session };
  }
  if (spec.role !== undefined) throw new CliUsageError('--role needs --bench FILE');
  const resource = spec.resource;
  if (resource === undefined) throw new CliUsageError('expected a resource (e.g. TCPIP0::192.168.1.10::5025::SOCKET) or --bench FILE --role ROLE');
  const desc = parseResource(resource);
  if (desc.kind === 'sim' && !sim) throw new CliUsageError(`${resource} is a simulated instrument: add --sim to talk to a fresh in-process simulator`);
  let driver: DriverDescriptor | undefined;
  if (spec.driver !== undefined) driver = named(spec.driver);
  // A simulated role speaks its driver's dialect (the ESP301's CR, for one).
  else if (desc.kind === 'sim') driver = findDriver(SIM_DRIVERS[desc.role] ?? '');
  return { resource, driver, settings: {} };
}

function named(name: string): DriverDescriptor {
  try {
    return getDriver(name);
  } catch {
    throw new CliUsageError(`unknown driver '${name}'; known drivers: ${DRIVERS.map((d) => d.name).join(', ')}`);
  }
}
