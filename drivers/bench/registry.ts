// Every driver a bench file's `driver:` may name, by name.
import type { DriverDescriptor } from '../driver.ts';
import { keysightN774xDescriptor } from '../instruments/keysight-n774x.ts';
import { keysightN776xDescriptor } from '../instruments/keysight-n776x.ts';
import { keysightN777xDescriptor } from '../instruments/keysight-n777x.ts';
import { newportEsp301 } from '../instruments/newport-esp301.ts';
import { piGcs } from '../instruments/pi-gcs.ts';
import { santecTslDescriptor } from '../instruments/santec-tsl.ts';
import { scpiBertDescriptor } from '../instruments/scpi-bert.ts';
import { scpiStage } from '../instruments/scpi-stage.ts';
import type { DriverInfo } from './bench-schema.ts';

export const DRIVERS: readonly DriverDescriptor[] = [
  keysightN774xDescriptor,
  keysightN777xDescriptor,
  santecTslDescriptor,
  keysightN776xDescriptor,
  scpiBertDescriptor,
  scpiStage,
  newportEsp301,
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

export function driverInfos(): DriverInfo[] {
  return DRIVERS.map(({ name, kind }) => ({ name, kind }));
}

export function findDriver(name: string): DriverDescriptor | undefined {
  return DRIVERS.find((d) => d.name === name);
}

export function getDriver(name: string): DriverDescriptor {
  const d = findDriver(name);
  if (!d) throw new UnknownDriverError(name);
  return d;
}
