// The contract every instrument driver meets, and the descriptor the bench file's `driver:` names.
import type { ScpiSession } from './session/scpi-session.ts';
import type { SessionOptions } from './session/session-options.ts';

/** The kinds of role a bench has; a bench may hold several of one kind (laser, laser2, ...). */
export type RoleKind = 'laser' | 'meter' | 'voa' | 'bert' | 'stage';

/** What every driver offers, whatever its role. */
export interface InstrumentDriver {
  readonly kind: RoleKind;
  /** The descriptor name it was created from, e.g. 'keysight-n774x'. */
  readonly driverName: string;
  readonly session: ScpiSession;
  /** `*IDN?` (or the dialect's own identify query), trimmed. */
  identify(): Promise<string>;
  /**
   * Puts the instrument in its safe state: laser output off, stage axes stopped, BERT gate stopped.
   * Called on abort, fault and exit, so it must do its best even when the instrument misbehaves.
   */
  safe(): Promise<void>;
  close(): Promise<void>;
}

/** Settings from the bench file that a driver's factory receives. */
export interface DriverContext {
  session: ScpiSession;
  /** The bench role, e.g. 'laser' or 'stage'. */
  role: string;
  /** The bench file's free-form `options:` for this instrument, validated by the driver. */
  options: Record<string, unknown>;
  /** Stage axes and soft limits (µm) from the bench file; only for stages. */
  axes?: Record<string, StageAxisConfig>;
  /**
   * Where a driver tells the bench what it changed on the instrument to make it usable (e.g. a meter port
   * switched out of relative mode); default: Node's warning channel.
   */
  notice?: (message: string) => void;
}

export interface StageAxisConfig {
  /** The controller's axis number. */
  axis: number;
  min_um: number;
  max_um: number;
}

export interface DriverDescriptor<T extends InstrumentDriver = InstrumentDriver> {
  name: string;
  kind: RoleKind;
  /** One line for `benchctl list` and error messages, e.g. 'Keysight N774x/816x optical power meter'. */
  description: string;
  /** Session settings this instrument needs unless the bench file says otherwise (terminators, dialect, baud). */
  sessionDefaults: SessionOptions;
  /** For auto-detection: does this identity reply belong to an instrument this driver speaks to? */
  matchesIdentity(identity: string): boolean;
  /**
   * Checks the bench file's `options:` without an instrument, so a bad option is reported with its file
   * and line when the bench file is read; throws DriverOptionError naming the option. create() checks them
   * again (and what needs the instrument, e.g. a range against the model's).
   */
  checkOptions?(options: Record<string, unknown>): void;
  /** Stages: the ramps a sequence may set on every axis (default both); a hexapod has one system velocity and no acceleration to set. */
  stageRamps?: readonly StageRamp[];
  create(ctx: DriverContext): Promise<T>;
}

export type StageRamp = 'velocity' | 'acceleration';
