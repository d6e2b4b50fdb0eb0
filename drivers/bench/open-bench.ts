// openBench(): a bench file (or its parsed form) in, every role's driver opened, identified and ready.
// Roles open concurrently; if any fails, the ones that opened are closed again and one error lists all.
import type { DriverDescriptor, InstrumentDriver } from '../driver.ts';
import { openResource } from '../open-resource.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import type { InProcessEndpoint } from '../transport/transport.ts';
import { detectDriver } from './auto-detect.ts';
import { loadBenchFile } from './bench-file.ts';
import type { BenchConfig, BenchInstrumentConfig } from './bench-file.ts';
import { roleKindOf } from './bench-schema.ts';
import { Bench } from './bench.ts';
import type { BenchInstrument } from './bench.ts';
import { DRIVERS, UnknownDriverError } from './registry.ts';

export interface OpenBenchOptions {
  /** The simulator's endpoint, for SIM::<role> resources. */
  inProcess?: InProcessEndpoint;
  drivers?: readonly DriverDescriptor[];
  /** Run when the bench closes, after its instruments (e.g. closing the simulator it was made from). */
  onClose?: () => Promise<void>;
}

export interface RoleOpenFailure {
  role: string;
  resource: string;
  /** `bench.yaml:12`, when the role came from a file. */
  where: string | undefined;
  error: Error;
}

/** One or more roles could not be opened; the ones that did were closed again. */
export class BenchOpenError extends Error {
  override name = 'BenchOpenError';
  readonly failures: readonly RoleOpenFailure[];

  constructor(bench: string, failures: readonly RoleOpenFailure[]) {
    const lines = failures.map((f) => `${f.where ? `${f.where}: ` : ''}${f.role} (${f.resource}): ${f.error.message}`);
    super(failures.length === 1 ? `cannot open bench '${bench}': ${lines[0]}` : `cannot open bench '${bench}': ${failures.length} roles failed:\n${lines.map((l) => `  ${l}`).join('\n')}`);
    this.failures = failures;
  }
}

/** The detected driver does not fit the role (a meter answering on the 'laser' resource, a stage without axes). */
export class RoleMismatchError extends Error {
  override name = 'RoleMismatchError';
}

export async function openBench(fileOrConfig: string | BenchConfig, opts: OpenBenchOptions = {}): Promise<Bench> {
  const config = typeof fileOrConfig === 'string' ? await loadBenchFile(fileOrConfig) : fileOrConfig;
  const settled = await Promise.allSettled(config.instruments.map((c) => openRole(c, opts)));
  const failures: RoleOpenFailure[] = [];
  const opened: BenchInstrument[] = [];
  settled.forEach((r, i) => {
    const c = config.instruments[i] as BenchInstrumentConfig;
    if (r.status === 'fulfilled') opened.push(r.value);
    else {
      failures.push({
        role: c.role,
        resource: c.resource,
        where: c.source ? `${c.source.file}:${c.source.line}` : undefined,
        error: r.reason instanceof Error ? r.reason : new Error(String(r.reason)),
      });
    }
  });
  if (failures.length > 0) {
    await Promise.allSettled(opened.map((i) => i.driver.close()));
    await opts.onClose?.();
    throw new BenchOpenError(config.name, failures);
  }
  return new Bench(config.name, opened, { ...(config.file ? { file: config.file } : {}), ...(opts.onClose ? { onClose: opts.onClose } : {}) });
}

async function openRole(c: BenchInstrumentConfig, opts: OpenBenchOptions): Promise<BenchInstrument> {
  const drivers = opts.drivers ?? DRIVERS;
  const inProcess = opts.inProcess ? { inProcess: opts.inProcess } : {};
  let descriptor: DriverDescriptor;
  let identity: string | undefined;
  if (c.driver === 'auto') {
    const found = await detectDriver(c.resource, { session: c.session, drivers, ...inProcess });
    descriptor = found.driver;
    identity = found.identity;
    checkDetectedFits(c, descriptor);
  } else {
    const d = drivers.find((x) => x.name === c.driver);
    if (!d) throw new UnknownDriverError(c.driver);
    descriptor = d;
  }
  const session: ScpiSession = await openResource(c.resource, { ...descriptor.sessionDefaults, ...c.session, ...inProcess });
  let driver: InstrumentDriver;
  try {
    driver = await descriptor.create({ session, role: c.role, options: c.options, ...(c.axes ? { axes: c.axes } : {}) });
  } catch (err) {
    await session.close();
    throw err;
  }
  try {
    identity ??= await driver.identify();
  } catch (err) {
    await driver.close();
    throw err;
  }
  return {
    role: c.role,
    kind: descriptor.kind,
    driverName: descriptor.name,
    resource: c.resource,
    identity,
    detected: c.driver === 'auto',
    driver,
    ...(c.axes ? { axes: c.axes } : {}),
  };
}

function checkDetectedFits(c: BenchInstrumentConfig, d: DriverDescriptor): void {
  const promised = roleKindOf(c.role);
  if (promised && promised !== d.kind) {
    throw new RoleMismatchError(`auto-detection found ${d.name} (a ${d.kind}), but role '${c.role}' is a ${promised}`);
  }
  if (d.kind === 'stage' && !c.axes) throw new RoleMismatchError(`auto-detection found the stage driver ${d.name}, but the bench file gives no axes for '${c.role}'`);
  if (d.kind !== 'stage' && c.axes) throw new RoleMismatchError(`auto-detection found ${d.name} (a ${d.kind}), but the bench file gives axes for '${c.role}'`);
}
