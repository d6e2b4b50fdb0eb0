// One seeded optical world, a function of bench time. The chain (sim/world/README.md):
// laser → modulator → VOA → 1 % tap (→ meter port 2) → fiber array → chip loopback → 50/50 splitter
// → meter port 1 and the BERT receiver. The fiber array's position is read from the MotionSystem at
// the time asked, so a meter logging while the stage flies sees the trajectory.
import type { BenchClock } from '../clock.ts';
import type { MotionSystem } from '../motion/motion-system.ts';
import { SeededRandom } from '../random.ts';
import { ChipModel } from './chip.ts';
import type { ChipResponse, FiberPosition, SurfaceModel } from './chip.ts';
import { DriftModel } from './drift.ts';
import { LaserSource } from './laser-source.ts';
import { TriggerLine } from './trigger-line.ts';
import { drawTruth } from './truth.ts';
import type { SiteTruth, WorldTruth } from './truth.ts';
import { VoaPath } from './voa-path.ts';
import { WaferModel } from './wafer-model.ts';
import { drawWaferTruth } from './wafer-truth.ts';

export const DEFAULT_DRIFT_UM_PER_H = 2;
/** Meter ports; 3 and 4 are not connected (they read their noise floor). */
export const METER_PORTS = [1, 2, 3, 4] as const;
export type MeterPort = (typeof METER_PORTS)[number];

/** What lies under the fiber array: the four-site chip (default) or a 20 × 20 wafer of four-site dies. */
export type WorldKind = 'chip' | 'wafer';
export const WORLD_KINDS: readonly WorldKind[] = ['chip', 'wafer'];

export interface OpticalWorldOptions {
  seed: number;
  /** Default 'chip'. The rest of the optical chain (laser, VOA, splitter, receiver) is the same for a seed. */
  world?: WorldKind;
  clock: BenchClock;
  motion: MotionSystem;
  drift_um_per_h?: number;
}

export interface Light {
  power_W: number;
  wavelength_nm: number;
}

export interface FiberContact {
  t_s: number;
  position: FiberPosition;
  site: number;
}

/** Hidden truth at one bench time — for tests and benchmarks only, never visible through an instrument. */
export interface TruthSnapshot extends WorldTruth {
  t_s: number;
  /** Each site's optimum at t (drift included), µm in stage coordinates; z is the best fiber height. */
  optimaNow_um: FiberPosition[];
  surfaceNowZ_um: number;
}

export class OpticalWorld {
  readonly seed: number;
  readonly clock: BenchClock;
  readonly laser: LaserSource;
  readonly voa: VoaPath;
  readonly triggers = new TriggerLine();
  readonly kind: WorldKind;
  /** What the fiber couples into: the chip, or in the wafer world the wafer (also `wafer`). */
  readonly chip: SurfaceModel;
  /** The wafer in the wafer world, else null. */
  readonly wafer: WaferModel | null;
  private readonly hidden: WorldTruth;
  private readonly root: SeededRandom;
  private contact: FiberContact | null = null;
  private readonly contactListeners: ((c: FiberContact) => void)[] = [];

  constructor(private readonly opts: OpticalWorldOptions) {
    this.seed = opts.seed;
    this.clock = opts.clock;
    this.root = new SeededRandom(opts.seed);
    this.hidden = drawTruth(opts.seed, this.root.fork('truth'), opts.drift_um_per_h ?? DEFAULT_DRIFT_UM_PER_H);
    const drift = new DriftModel(this.hidden.drift.speed_um_per_h, this.hidden.drift.direction_rad, this.root.fork('drift'));
    this.kind = opts.world ?? 'chip';
    if (this.kind !== 'chip' && this.kind !== 'wafer') throw new RangeError(`OpticalWorld: world must be 'chip' or 'wafer', got '${String(opts.world)}'`);
    // The wafer draws from a stream of its own: the chip world's draws (and the laser's, VOA's, …) stay as they were.
    this.wafer = this.kind === 'wafer' ? new WaferModel(drawWaferTruth(this.root.fork('wafer')), drift) : null;
    this.chip = this.wafer ?? new ChipModel(this.hidden, drift);
    const laserRng = this.root.fork('laser-llog');
    this.laser = new LaserSource(this.hidden.laser, this.triggers, () => laserRng.normal());
    this.voa = new VoaPath(this.hidden.voa);
  }

  /** A random stream of its own for one purpose (an instrument's noise, a BERT's error counts). */
  stream(label: string): SeededRandom {
    return this.root.fork(label);
  }

  fiberPosition(t_s: number): FiberPosition {
    const m = this.opts.motion;
    return { x_um: m.truePosition_um('X', t_s), y_um: m.truePosition_um('Y', t_s), z_um: m.truePosition_um('Z', t_s) };
  }

  /** The chip's response to the fiber array where it is at t (records a fiber contact). */
  chipResponse(t_s: number): ChipResponse {
    const pos = this.fiberPosition(t_s);
    const r = this.chip.response(pos, this.laser.wavelengthAt_nm(t_s), t_s);
    if (r.contact && !this.contact) {
      this.contact = { t_s, position: pos, site: r.site };
      for (const l of this.contactListeners) l(this.contact);
    }
    return r;
  }

  /** Loopback transmission fiber-in → fiber-out at t (linear). */
  transmission(t_s: number): number {
    return this.chipResponse(t_s).transmission;
  }

  /** Power entering the VOA: laser output after the modulator, W. */
  voaInput_W(t_s: number): number {
    return this.laser.powerAt_W(t_s) * 10 ** (-this.hidden.modulatorLoss_dB / 10);
  }

  /** Power leaving the VOA, W. */
  voaOutput_W(t_s: number): number {
    const input = this.voaInput_W(t_s);
    return input * this.voa.transmission(t_s, input, this.laser.wavelengthAt_nm(t_s));
  }

  /** What the VOA's own output monitor reads at t, dBm (−Infinity in the dark). */
  voaMonitor_dBm(t_s: number): number {
    return this.voa.monitor_dBm(t_s, this.voaInput_W(t_s), this.laser.wavelengthAt_nm(t_s));
  }

  /** Light arriving at a meter port at t. */
  light(port: MeterPort, t_s: number): Light {
    const wavelength_nm = this.laser.wavelengthAt_nm(t_s);
    switch (port) {
      case 1:
        return { power_W: this.chipOutput_W(t_s) * 10 ** (-this.hidden.splitter.toMeter_dB / 10), wavelength_nm };
      case 2:
        return { power_W: this.voaOutput_W(t_s) * this.hidden.tapRatio, wavelength_nm };
      default:
        return { power_W: 0, wavelength_nm };
    }
  }

  powerAtMeter_W(port: MeterPort, t_s: number): number {
    return this.light(port, t_s).power_W;
  }

  /** Average optical power at the BERT receiver, W. */
  bertInput_W(t_s: number): number {
    return this.chipOutput_W(t_s) * 10 ** (-this.hidden.splitter.toBert_dB / 10);
  }

  /** The first fiber–chip contact since the last clear (sticky), or null. */
  get fiberContact(): FiberContact | null {
    return this.contact;
  }

  clearFiberContact(): void {
    this.contact = null;
  }

  onFiberContact(listener: (c: FiberContact) => void): void {
    this.contactListeners.push(listener);
  }

  /** Checks the fiber height at t for contact without measuring anything. */
  checkContact(t_s: number = this.clock.now_s()): FiberContact | null {
    this.chipResponse(t_s);
    return this.contact;
  }

  /** Hidden truth for verification (tests, benchmarks). NOT visible through any instrument. */
  truth(t_s: number = this.clock.now_s()): TruthSnapshot {
    const copy = structuredClone(this.hidden);
    // In the wafer world the chip's sites are not under the fiber: its sites are the wafer's (VirtualBench.waferTruth()).
    if (this.wafer) copy.sites = [];
    return {
      ...copy,
      t_s,
      optimaNow_um: copy.sites.map((s: SiteTruth) => this.chip.optimumAt(s.index, t_s)),
      surfaceNowZ_um: this.chip.surfaceAt_um(t_s),
    };
  }

  /** Receiver parameters, for the BERT (hidden; the BERT instrument uses them to draw its counts). */
  receiverTruth(): Pick<WorldTruth, 'receiver' | 'receiverReferenceRate_Hz'> {
    return { receiver: this.hidden.receiver, receiverReferenceRate_Hz: this.hidden.receiverReferenceRate_Hz };
  }

  private chipOutput_W(t_s: number): number {
    const into = this.voaOutput_W(t_s) * (1 - this.hidden.tapRatio);
    if (!(into > 0)) {
      this.chipResponse(t_s); // still watch for contact while dark
      return 0;
    }
    return into * this.transmission(t_s);
  }
}
