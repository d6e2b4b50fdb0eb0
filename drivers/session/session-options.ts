// The per-resource settings of a session, mirroring VISA's attributes, with their defaults and checks.
import { SessionOptionError } from '../errors.ts';
import type { InProcessEndpoint } from '../transport/transport.ts';
import type { FlowControl, Parity } from '../transport/serial-transport.ts';
import { SCPI_DIALECT } from './dialect.ts';
import type { SessionDialect } from './dialect.ts';

export interface SessionOptions {
  /** Per read, default 2000. */
  timeout_ms?: number;
  /** Default 3000. */
  connectTimeout_ms?: number;
  /** Default '\n'. */
  readTermination?: string;
  /** Default '\n'. */
  writeTermination?: string;
  /** Wait between the write and the read of a query (some serial boxes need it); default 0. */
  queryDelay_ms?: number;
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: Parity;
  stopBits?: 1 | 1.5 | 2;
  flowControl?: FlowControl;
  /** VXI-11: where the host's portmapper listens; default 111 (what every instrument uses). */
  portmapperPort?: number;
  /**
   * USBTMC: the character device to open instead of the one found in sysfs by vendor id, product id and
   * serial (e.g. a udev symlink such as /dev/pm100).
   */
  usbtmcDevice?: string;
  /** Drain the error queue after each write/query and throw InstrumentError; default false. */
  checkErrors?: boolean;
  /** How to ask for/parse errors, clear, and resync; default SCPI. */
  dialect?: SessionDialect;
  /** Required for SIM:: resources. */
  inProcess?: InProcessEndpoint;
  /**
   * How long the line must stay silent before a resynchronisation counts as done: the whole method for
   * dialects without a sync query, and the wait for a possible second sync reply otherwise. Default 100.
   */
  resyncQuiet_ms?: number;
  /**
   * How long a resynchronisation may wait for the sync reply. An instrument that timed out is usually still
   * busy with the slow operation and answers the sync query only when done, so this is longer than a read;
   * default 5 × timeout_ms.
   */
  resyncTimeout_ms?: number;
}

export interface PerCallOptions {
  timeout_ms?: number;
}

export interface ResolvedSessionOptions {
  timeout_ms: number;
  connectTimeout_ms: number;
  readTermination: string;
  writeTermination: string;
  queryDelay_ms: number;
  checkErrors: boolean;
  dialect: SessionDialect;
  resyncQuiet_ms: number;
  resyncTimeout_ms: number;
}

const PARITIES: readonly Parity[] = ['none', 'even', 'odd', 'mark', 'space'];
const FLOW_CONTROLS: readonly FlowControl[] = ['none', 'rtscts', 'xonxoff'];

/** Checks every option given and fills in the defaults; SessionOptionError names the option and what it takes. */
export function resolveSessionOptions(resource: string, options: SessionOptions = {}): ResolvedSessionOptions {
  const bad = (option: string, problem: string): never => {
    throw new SessionOptionError(resource, option, problem);
  };
  const duration = (option: keyof SessionOptions, def: number, allowZero: boolean): number => {
    const v = options[option];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
      bad(option, `must be a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'}, got ${String(v)}`);
    }
    return v as number;
  };
  const { readTermination = '\n', writeTermination = '\n', dialect = SCPI_DIALECT } = options;
  if (typeof readTermination !== 'string' || readTermination.length === 0) {
    bad('readTermination', `must be a non-empty string such as '\\n' or '\\r\\n', got ${JSON.stringify(readTermination)}`);
  }
  if (typeof writeTermination !== 'string') bad('writeTermination', `must be a string, got ${String(writeTermination)}`);
  if (!dialect || typeof dialect.parseError !== 'function' || typeof dialect.name !== 'string') {
    bad('dialect', 'must be a SessionDialect (name, errorQuery, parseError, clearCommand, syncQuery)');
  }
  if (options.checkErrors && dialect.errorQuery === null) {
    bad('checkErrors', `the ${dialect.name} dialect has no error query to check errors with`);
  }
  checkSerial(options, bad);
  const { portmapperPort, usbtmcDevice } = options;
  if (portmapperPort !== undefined && !(Number.isInteger(portmapperPort) && portmapperPort >= 1 && portmapperPort <= 65535)) {
    bad('portmapperPort', `must be a port number 1-65535, got ${String(portmapperPort)}`);
  }
  if (usbtmcDevice !== undefined && (typeof usbtmcDevice !== 'string' || !usbtmcDevice.startsWith('/'))) {
    bad('usbtmcDevice', `must be an absolute device path such as /dev/usbtmc0, got ${JSON.stringify(usbtmcDevice)}`);
  }
  const timeout_ms = duration('timeout_ms', 2000, false);
  return {
    timeout_ms,
    connectTimeout_ms: duration('connectTimeout_ms', 3000, false),
    readTermination,
    writeTermination,
    queryDelay_ms: duration('queryDelay_ms', 0, true),
    checkErrors: options.checkErrors ?? false,
    dialect,
    resyncQuiet_ms: duration('resyncQuiet_ms', 100, true),
    resyncTimeout_ms: duration('resyncTimeout_ms', 5 * timeout_ms, false),
  };
}

function checkSerial(options: SessionOptions, bad: (option: string, problem: string) => never): void {
  const { baudRate, dataBits, parity, stopBits, flowControl } = options;
  if (baudRate !== undefined && (!Number.isInteger(baudRate) || baudRate <= 0)) {
    bad('baudRate', `must be a positive integer such as 9600 or 921600, got ${String(baudRate)}`);
  }
  if (dataBits !== undefined && ![5, 6, 7, 8].includes(dataBits)) bad('dataBits', `must be 5, 6, 7 or 8, got ${String(dataBits)}`);
  if (parity !== undefined && !PARITIES.includes(parity)) bad('parity', `must be one of ${PARITIES.join(', ')}, got ${String(parity)}`);
  if (stopBits !== undefined && ![1, 1.5, 2].includes(stopBits)) bad('stopBits', `must be 1, 1.5 or 2, got ${String(stopBits)}`);
  if (flowControl !== undefined && !FLOW_CONTROLS.includes(flowControl)) {
    bad('flowControl', `must be one of ${FLOW_CONTROLS.join(', ')}, got ${String(flowControl)}`);
  }
}

export function checkPerCall(resource: string, opts: PerCallOptions | undefined, fallback_ms: number): number {
  const t = opts?.timeout_ms;
  if (t === undefined) return fallback_ms;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
    throw new SessionOptionError(resource, 'timeout_ms', `must be a finite number of milliseconds > 0, got ${String(t)}`);
  }
  return t;
}
