// An open bench: one driver per role, typed accessors for the usual roles, identities, and safe() —
// every instrument put in its safe state at once, all attempted whatever fails, failures reported.
import type { InstrumentDriver, RoleKind } from '../driver.ts';
import { SafeStateError } from '../properties/safe-state.ts';
import type { Attenuator } from '../roles/attenuator.ts';
import type { Bert } from '../roles/bert.ts';
import type { PowerMeter } from '../roles/power-meter.ts';
import type { Stage } from '../roles/stage.ts';
import type { TunableLaser } from '../roles/tunable-laser.ts';

/** The role interface each kind of role has. */
export interface RoleDrivers {
  laser: TunableLaser;
  meter: PowerMeter;
  voa: Attenuator;
  bert: Bert;
  stage: Stage;
}

export interface BenchInstrument {
  role: string;
  kind: RoleKind;
  /** The driver's name (the one detected, for `driver: auto`). */
  driverName: string;
  resource: string;
  /** `*IDN?` (or the dialect's identify reply) read when the bench opened. */
  identity: string;
  /** True when the bench file said `driver: auto`. */
  detected: boolean;
  driver: InstrumentDriver;
  /** Stages: soft limits per logical axis (µm). */
  axes?: Record<string, { axis: number; min_um: number; max_um: number }>;
}

/** A role the bench does not have, or has as another kind. */
export class BenchRoleError extends Error {
  override name = 'BenchRoleError';
  readonly role: string;

  constructor(role: string, message: string) {
    super(message);
    this.role = role;
  }
}

export interface SafeResult {
  role: string;
  ok: boolean;
  error?: Error;
  /**
   * The driver's safe-state steps that failed, when its safe() tried them all and threw SafeStateError
   * (e.g. 'switch the output off'); the steps not listed were done.
   */
  failedSteps?: readonly string[];
}

/** What bench.safe() did: every instrument's outcome; `ok` only when all reached their safe state. */
export interface SafeReport {
  ok: boolean;
  results: SafeResult[];
  failures: SafeResult[];
  /** One line for logs and events: 'all instruments safe' or each failure with its reason. */
  message: string;
}

export interface SafeOptions {
  /** Per instrument; one that hangs longer counts as failed (default 10 s). */
  timeout_s?: number;
}

const DEFAULT_SAFE_TIMEOUT_S = 10;

export class Bench {
  readonly name: string;
  /** The bench file it came from, when there was one. */
  readonly file: string | undefined;
  private readonly byRole: ReadonlyMap<string, BenchInstrument>;
  private readonly onClose: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(name: string, instruments: readonly BenchInstrument[], opts: { file?: string; onClose?: () => Promise<void> } = {}) {
    this.name = name;
    this.file = opts.file;
    this.byRole = new Map(instruments.map((i) => [i.role, i]));
    this.onClose = opts.onClose;
  }

  /** Roles in bench-file order. */
  get roles(): string[] {
    return [...this.byRole.keys()];
  }

  has(role: string): boolean {
    return this.byRole.has(role);
  }

  /** The role's metadata (kind, driver, resource, identity, axes) and driver. */
  instrument(role: string): BenchInstrument {
    const i = this.byRole.get(role);
    if (!i) {
      throw new BenchRoleError(role, `bench '${this.name}' has no role '${role}'; it has ${this.roles.join(', ') || 'none'}`);
    }
    return i;
  }

  instruments(): BenchInstrument[] {
    return [...this.byRole.values()];
  }

  /** The driver of `role`; with `kind`, checked to be that kind and typed as its role interface. */
  get(role: string): InstrumentDriver;
  get<K extends RoleKind>(role: string, kind: K): RoleDrivers[K];
  get(role: string, kind?: RoleKind): InstrumentDriver {
    const i = this.instrument(role);
    if (kind !== undefined && i.kind !== kind) {
      throw new BenchRoleError(role, `bench '${this.name}': role '${role}' is a ${i.kind} (${i.driverName}), not a ${kind}`);
    }
    return i.driver;
  }

  get laser(): TunableLaser {
    return this.get('laser', 'laser');
  }

  get meter(): PowerMeter {
    return this.get('meter', 'meter');
  }

  get voa(): Attenuator {
    return this.get('voa', 'voa');
  }

  get bert(): Bert {
    return this.get('bert', 'bert');
  }

  get stage(): Stage {
    return this.get('stage', 'stage');
  }

  /** role → identity read when the bench opened. */
  identities(): Record<string, string> {
    return Object.fromEntries(this.instruments().map((i) => [i.role, i.identity]));
  }

  /**
   * Every instrument's safe() at once (lasers off, stages stopped, BERT gate stopped). Never throws: a
   * failure or a hang past the timeout of one instrument does not keep the others from running, and the
   * report lists every failure.
   */
  async safe(opts: SafeOptions = {}): Promise<SafeReport> {
    const timeout_s = opts.timeout_s ?? DEFAULT_SAFE_TIMEOUT_S;
    const results = await Promise.all(this.instruments().map(async (i): Promise<SafeResult> => {
      try {
        await withTimeout(i.driver.safe(), timeout_s, `${i.role} (${i.driverName}) did not reach its safe state within ${timeout_s} s`);
        return { role: i.role, ok: true };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        return { role: i.role, ok: false, error, ...(err instanceof SafeStateError ? { failedSteps: err.failures.map((f) => f.step) } : {}) };
      }
    }));
    const failures = results.filter((r) => !r.ok);
    const message = failures.length === 0
      ? `all ${results.length} instruments safe`
      : `safe state failed for ${failures.map((f) => `${f.role}: ${f.error?.message}`).join('; ')}`;
    return { ok: failures.length === 0, results, failures, message };
  }

  /** Closes every instrument's session (and the simulator, for a bench made from one). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.instruments().map((i) => i.driver.close()));
    await this.onClose?.();
  }
}

function withTimeout<T>(p: Promise<T>, timeout_s: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeout_s * 1000);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
