// Every driver a bench file's `driver:` may name, by name.
import type { DriverDescriptor } from '../driver.ts';
import { anritsuMp1900aDescriptor } from '../instruments/anritsu-mp1900a.ts';
import { keysightM8040aDescriptor } from '../instruments/keysight-m8040a.ts';
import { keysightN774xDescriptor } from '../instruments/keysight-n774x.ts';
import { keysightN776xDescriptor } from '../instruments/keysight-n776x.ts';
import { keysightN777xDescriptor } from '../instruments/keysight-n777x.ts';
import { newportEsp301 } from '../instruments/newport-esp301.ts';
import { piGcs } from '../instruments/pi-gcs.ts';
import { piGcsHexapod } from '../instruments/pi-gcs-hexapod.ts';
import { santecTslDescriptor } from '../instruments/santec-tsl.ts';
import { scpiBertDescriptor } from '../instruments/scpi-bert.ts';
import { scpiStage } from '../instruments/scpi-stage.ts';
import { thorlabsPm100Descriptor } from '../instruments/thorlabs-pm100.ts';
import { parseStageOptions } from '../roles/stage-options.ts';
import type { DriverInfo } from './bench-schema.ts';

export const DRIVERS: readonly DriverDescriptor[] = [
  keysightN774xDescriptor,
  thorlabsPm100Descriptor,
  keysightN777xDescriptor,
  santecTslDescriptor,
  keysightN776xDescriptor,
  anritsuMp1900aDescriptor,
  keysightM8040aDescriptor,
  scpiBertDescriptor,
  scpiStage,
  newportEsp301,
  piGcsHexapod,
  piGcs,
];

/** A driver name the registry does not have; the message lists the ones it has. */
export class UnknownDriverError extends Error {
  override name = 'UnknownDriverError';
  readonly driver: string;

  constructor(driver: string) {
    super(`unknown driver '${driver}'; known drivers: ${driverNames().join(', ')}`);
    this.driver = driver;
  }
}

export function driverNames(): string[] {
  return DRIVERS.map((d) => d.name);
}

/** What the bench-file schema needs of each driver: name, kind and the check of its `options:`. */
export function driverInfos(): DriverInfo[] {
  return DRIVERS.map((d) => ({ name: d.name, kind: d.kind, checkOptions: optionsCheck(d) }));
}

/** The descriptor's own check; stage drivers all take the Stage role's options. */
function optionsCheck(d: DriverDescriptor): (options: Record<string, unknown>) => void {
  if (d.checkOptions) return (options) => d.checkOptions?.(options);
  if (d.kind === 'stage') return (options) => void parseStageOptions(d.name, options);
  return () => undefined;
}

export function findDriver(name: string): DriverDescriptor | undefined {
  return DRIVERS.find((d) => d.name === name);
}

export function getDriver(name: string): DriverDescriptor {
  const d = findDriver(name);
  if (!d) throw new UnknownDriverError(name);
  return d;
}
