// Bench files, the driver registry, auto-detection and the Bench object, in one import.
export { Bench, BenchRoleError } from './bench.ts';
export type { BenchInstrument, RoleDrivers, SafeOptions, SafeReport, SafeResult } from './bench.ts';
export { BenchFileError, formatIssue } from './bench-file-errors.ts';
export type { BenchFileIssue } from './bench-file-errors.ts';
export { loadBenchFile, parseBenchFile } from './bench-file.ts';
export type { BenchConfig, BenchInstrumentConfig, BenchSessionSettings, ParseBenchOptions } from './bench-file.ts';
export { AUTO_DRIVER, ROLE_KINDS, roleKindOf } from './bench-schema.ts';
export type { DriverInfo } from './bench-schema.ts';
export { AutoDetectError, PROBES, PROBE_TIMEOUT_MS, SERIAL_PROBES, detectDriver, identifyCommand, probesFor } from './auto-detect.ts';
export type { Detection, DetectOptions, Probe, ProbeAttempt } from './auto-detect.ts';
export { BenchOpenError, RoleMismatchError, openBench } from './open-bench.ts';
export type { OpenBenchOptions, RoleOpenFailure } from './open-bench.ts';
export { DRIVERS, UnknownDriverError, driverInfos, driverNames, findDriver, getDriver } from './registry.ts';
