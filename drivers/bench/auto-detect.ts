// `driver: auto`: find which driver speaks to the instrument at a resource, with queries only. `*IDN?`
// (SCPI instruments and PI GCS controllers answer it) and the ESP301's `VE?` with CR termination for the
// Newport dialect, which has no *IDN?. No probe moves or changes anything.
//
// Order: a probe the instrument does not understand costs a full reply timeout. On TCP and in-process the
// SCPI instruments are the rule, so `*IDN?` goes first; on a serial port the ESP301 is the likely one (it
// has no other interface here), so `VE?` goes first and an SCPI box on a serial line pays the timeout instead.
// A probe that went unanswered leaves an error in the instrument's queue ("undefined header"); once the
// driver is known, its own error query reads those back, so the driver's first command is not blamed.
import type { DriverDescriptor } from '../driver.ts';
import { InstrumentError } from '../errors.ts';
import { openResource } from '../open-resource.ts';
import { parseResource } from '../resource.ts';
import type { SessionOptions } from '../session/session-options.ts';
import type { InProcessEndpoint } from '../transport/transport.ts';
import { DRIVERS } from './registry.ts';

export interface Probe {
  /** How reports name it. */
  name: string;
  /** The identify query. */
  command: string;
  session: SessionOptions;
  /**
   * Send a bare terminator first, so an earlier probe's bytes still in the controller's input buffer (the
   * ESP301 waits for CR) end up as one refused line instead of spoiling this query.
   */
  flushFirst: boolean;
}

const IDN_PROBE: Probe = { name: '*IDN? (SCPI instruments, PI GCS)', command: '*IDN?', session: { readTermination: '\n', writeTermination: '\n' }, flushFirst: false };
/** The Santec TSL ends lines with CR only (QMI's TSL-570 driver): an LF-terminated `*IDN?` never reaches its parser. */
const SANTEC_PROBE: Probe = { name: '*IDN? with CR (Santec TSL)', command: '*IDN?', session: { readTermination: '\r', writeTermination: '\r' }, flushFirst: true };
const ESP301_PROBE: Probe = { name: 'VE? with CR (Newport ESP301)', command: 'VE?', session: { readTermination: '\r\n', writeTermination: '\r' }, flushFirst: true };

/** The probes for TCP and in-process resources, in the order tried. */
export const PROBES: readonly Probe[] = [IDN_PROBE, SANTEC_PROBE, ESP301_PROBE];

/** The probes for serial resources: the ESP301's first; `*IDN?` then ends the ESP301 probe's unterminated line with LF first. */
export const SERIAL_PROBES: readonly Probe[] = [ESP301_PROBE, { ...IDN_PROBE, flushFirst: true }];

/** The probes tried at `resource`, in order. */
export function probesFor(resource: string): readonly Probe[] {
  return parseResource(resource).kind === 'serial' ? SERIAL_PROBES : PROBES;
}

/** How long each probe waits for its reply unless the bench file gives a timeout. */
export const PROBE_TIMEOUT_MS = 1000;

/** The query that identifies an instrument of this driver (what auto-detection would have asked). */
export function identifyCommand(driver: string): string {
  return driver === 'newport-esp301' ? 'VE?' : '*IDN?';
}

export interface Detection {
  driver: DriverDescriptor;
  identity: string;
  /** The probe that got the answer. */
  probe: string;
  /** The probes tried before it, which got no answer. */
  unanswered: readonly ProbeAttempt[];
}

export interface ProbeAttempt {
  probe: string;
  outcome: string;
}

/** No driver could be matched; the message lists every probe tried and what came of it. */
export class AutoDetectError extends Error {
  override name = 'AutoDetectError';
  readonly resource: string;
  readonly attempts: readonly ProbeAttempt[];

  constructor(resource: string, attempts: readonly ProbeAttempt[], conclusion: string) {
    super(`auto-detection at ${resource}: ${conclusion}; tried ${attempts.map((a) => `${a.probe} → ${a.outcome}`).join('; ')}`);
    this.resource = resource;
    this.attempts = attempts;
  }
}

export interface DetectOptions {
  /** The bench file's session settings (serial line settings, timeouts; terminators override the probes'). */
  session?: SessionOptions;
  inProcess?: InProcessEndpoint;
  drivers?: readonly DriverDescriptor[];
}

export async function detectDriver(resource: string, opts: DetectOptions = {}): Promise<Detection> {
  const drivers = opts.drivers ?? DRIVERS;
  const attempts: ProbeAttempt[] = [];
  const timeout_ms = opts.session?.timeout_ms ?? PROBE_TIMEOUT_MS;
  const inProcess = opts.inProcess ? { inProcess: opts.inProcess } : {};
  for (const probe of probesFor(resource)) {
    let reply: string;
    try {
      reply = await ask(resource, probe, { ...probe.session, ...opts.session, timeout_ms, ...inProcess });
    } catch (err) {
      attempts.push({ probe: probe.name, outcome: (err as Error).message });
      continue;
    }
    const identity = reply.trim();
    const matches = drivers.filter((d) => d.matchesIdentity(identity));
    if (matches.length === 1) {
      const driver = matches[0] as DriverDescriptor;
      if (attempts.length > 0) await readProbeErrors(resource, { ...driver.sessionDefaults, ...opts.session, timeout_ms, ...inProcess });
      return { driver, identity, probe: probe.name, unanswered: attempts };
    }
    attempts.push({ probe: probe.name, outcome: `replied ${JSON.stringify(identity)}` });
    if (matches.length > 1) {
      throw new AutoDetectError(resource, attempts, `the reply fits several drivers (${matches.map((d) => d.name).join(', ')}); name one in the bench file`);
    }
    // Something answered, so it speaks this probe's dialect: later probes would only confuse it.
    throw new AutoDetectError(resource, attempts, `no driver recognises ${JSON.stringify(identity)}; known drivers: ${drivers.map((d) => d.name).join(', ')}`);
  }
  throw new AutoDetectError(resource, attempts, 'nothing answered');
}

async function ask(resource: string, probe: Probe, options: SessionOptions): Promise<string> {
  const session = await openResource(resource, options);
  try {
    if (probe.flushFirst) await session.write('');
    return await session.query(probe.command);
  } finally {
    await session.close();
  }
}

/** Reads back, in the found driver's dialect, the errors the unanswered probes left in the instrument's queue. */
async function readProbeErrors(resource: string, options: SessionOptions): Promise<void> {
  const session = await openResource(resource, options);
  try {
    if (session.options.dialect.errorQuery !== null) await session.checkErrors().catch((err: unknown) => {
      if (!(err instanceof InstrumentError)) throw err;
    });
  } finally {
    await session.close();
  }
}
