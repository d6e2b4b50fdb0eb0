// The fiber-array half of the optical world: the laser's light (after modulator and VOA, the same
// source as the single-fiber bench) fanned out 1×N to every fiber of the array through a circulator
// array; each fiber's coupler on the chip either loops back to another coupler (a loopback pair) or
// ends on a loop mirror, and what comes back up each fiber is routed by its circulator to the meter
// port of the same number (the 8-port meter, `meter-array`). The array rides on the hexapod, so each
// channel reads the array's pose at the instant asked, and a cure drift (adhesive shrinkage) pulls the
// array toward the chip and sideways over a minute once started.
import type { SeededRandom } from '../random.ts';
import type { HexapodMotion } from '../motion/hexapod-motion.ts';
import { DEFAULT_FIBER_ARRAY, FiberArrayChip, checkFiberArray, drawArrayChip, fiberTip } from './fiber-array.ts';
import type { ArrayChipTruth, ChannelGeometry, FiberArrayConfig } from './fiber-array.ts';
import type { OpticalWorld } from './optical-world.ts';
import type { TriggerLine } from './trigger-line.ts';
import type { Vec3 } from './pose.ts';

/** Excess loss of the 1×N fan-out beyond 10·log10 N, and of one pass through a circulator, dB. */
const FANOUT_EXCESS_DB = 0.3;
const CIRCULATOR_DB = 0.6;

export interface CureSettings {
  /** How far shrinkage pulls the array in the end (chip frame, µm): sideways in X, down in Z (negative). */
  dx_um: number;
  dz_um: number;
  /** Time constant of the shrinkage, s (most of it within a minute). */
  tau_s: number;
}

export interface ArrayTruthSnapshot {
  config: FiberArrayConfig;
  chip: ArrayChipTruth;
  /** The cure's pull at t (µm) and whether one was started. */
  cure: { started_s: number | null; dx_um: number; dz_um: number; settings: CureSettings | null };
  /** Each channel's geometry at t (chip frame). */
  channels: ChannelGeometry[];
}

export class ArrayWorld {
  readonly chip: FiberArrayChip;
  readonly triggers: TriggerLine;
  private cure: { start_s: number; settings: CureSettings } | null = null;
  private readonly cureRng: SeededRandom;

  constructor(
    private readonly world: OpticalWorld,
    private readonly hexapod: HexapodMotion,
    config: FiberArrayConfig = DEFAULT_FIBER_ARRAY,
  ) {
    checkFiberArray(config);
    this.chip = new FiberArrayChip(config, drawArrayChip(config, world.stream('fiber-array-chip')));
    this.triggers = world.triggers;
    this.cureRng = world.stream('fiber-array-cure');
  }

  get config(): FiberArrayConfig {
    return this.chip.config;
  }

  get laser(): OpticalWorld['laser'] {
    return this.world.laser;
  }

  stream(label: string): SeededRandom {
    return this.world.stream(`array:${label}`);
  }

  /** Starts the adhesive cure now: seeded pull unless given (dx 1–3 µm either way, dz −1.5…−4 µm, τ 10–20 s). */
  startCure(t_s: number, settings?: Partial<CureSettings>): CureSettings {
    const s: CureSettings = {
      dx_um: settings?.dx_um ?? this.cureRng.sign() * this.cureRng.uniform(1, 3),
      dz_um: settings?.dz_um ?? -this.cureRng.uniform(1.5, 4),
      tau_s: settings?.tau_s ?? this.cureRng.uniform(10, 20),
    };
    if (!(s.tau_s > 0) || !Number.isFinite(s.dx_um) || !Number.isFinite(s.dz_um)) {
      throw new RangeError(`startCure: expected finite dx_um, dz_um and tau_s > 0, got ${JSON.stringify(s)}`);
    }
    this.cure = { start_s: t_s, settings: s };
    return s;
  }

  cureOffset(t_s: number): { dx_um: number; dz_um: number } {
    const c = this.cure;
    if (!c || t_s <= c.start_s) return { dx_um: 0, dz_um: 0 };
    const f = 1 - Math.exp(-(t_s - c.start_s) / c.settings.tau_s);
    return { dx_um: c.settings.dx_um * f, dz_um: c.settings.dz_um * f };
  }

  geometry(fiber: number, t_s: number): ChannelGeometry {
    const tip = this.hexapod.platformPoint(fiberTip(this.config, fiber), t_s);
    const pull = this.cureOffset(t_s);
    const moved: Vec3 = [tip[0] + pull.dx_um, tip[1], tip[2] + pull.dz_um];
    return this.chip.geometry(fiber, moved, this.hexapod.platformRotation(t_s));
  }

  /** Coupling of one fiber at t (linear). */
  coupling(fiber: number, t_s: number): number {
    return this.chip.coupling(fiber, this.geometry(fiber, t_s), this.world.laser.wavelengthAt_nm(t_s));
  }

  /** Light launched into each fiber, W. */
  private launched_W(t_s: number): number {
    const n = this.config.count;
    return (this.world.voaOutput_W(t_s) / n) * 10 ** (-(FANOUT_EXCESS_DB + CIRCULATOR_DB) / 10);
  }

  /** Power arriving at meter port `port` (= fiber number) at t, W; ports beyond the array are dark. */
  powerAtMeter_W(port: number, t_s: number): number {
    if (!Number.isInteger(port) || port < 1 || port > this.config.count) return 0;
    const partner = this.chip.partner(port) ?? port;
    const into = this.launched_W(t_s);
    if (!(into > 0)) return 0;
    const path = this.coupling(partner, t_s) * this.coupling(port, t_s) * 10 ** (-(this.chip.returnLoss_dB(port) + CIRCULATOR_DB) / 10);
    return into * path;
  }

  truth(t_s: number): ArrayTruthSnapshot {
    const pull = this.cureOffset(t_s);
    return {
      config: structuredClone(this.config) as FiberArrayConfig,
      chip: structuredClone(this.chip.truth),
      cure: { started_s: this.cure?.start_s ?? null, ...pull, settings: this.cure ? { ...this.cure.settings } : null },
      channels: Array.from({ length: this.config.count }, (_, i) => this.geometry(i + 1, t_s)),
    };
  }
}
