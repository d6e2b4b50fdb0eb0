// The whole virtual bench: one seeded optical world and one stage, every instrument of INSTRUMENTS.md in
// its dialect, reachable in-process (`SIM::<role>`), on loopback TCP and (the ESP301) on a serial pty,
// with every fault scriptable through `faults`.
import type { Duplex } from 'node:stream';
import { createArrayBench, type ArrayBench } from './array-instruments.ts';
import { createClock, type BenchClock } from './clock.ts';
import { BenchFaults } from './faults.ts';
import { LinkHub, type ServedBench } from './link/link-hub.ts';
import type { PtyEndpoint } from './link/pty-server.ts';
import type { UsbtmcStandIn } from './link/usbtmc-standin.ts';
import type { Vxi11Endpoint } from './link/vxi11-server.ts';
import { ThorlabsPm100 } from './instruments/meter-thorlabs.ts';
import type { StageTruth } from './motion/stage-motion.ts';
import { createOpticalBench, type OpticalBench } from './optical-instruments.ts';
import type { BertDialect } from './instruments/bert.ts';
import type { SimInstrument } from './sim-instrument.ts';
import { createStageBench, type StageBench } from './stage-instruments.ts';
import type { ArrayTruthSnapshot, CureSettings } from './world/array-world.ts';
import type { FiberArrayConfig } from './world/fiber-array.ts';
import type { Pose, Vec3 } from './world/pose.ts';
import type { TruthSnapshot, WorldKind } from './world/optical-world.ts';
import type { SiteTruth } from './world/truth.ts';
import { waferTruthSnapshot, type WaferTruthSnapshot } from './world/wafer-truth-view.ts';
import { parseDieName, siteNumber, waferSiteIndex } from './world/wafer-layout.ts';
import type { WaferModel } from './world/wafer-model.ts';
import type { FiberPosition } from './world/chip.ts';
import { linkTimings, meterLoggingTiming, resolveBenchTiming, stageAxisOverrides } from './timing/bench-timing.ts';
import type { TimingOption } from './timing/bench-timing.ts';
import type { TimingProfile } from './timing/timing-profile.ts';

/**
 * Every role, in serving order: with `--port-base N` role i listens on N + i, so by default
 * meter 5025, laser 5026, laser-santec 5027, voa 5028, bert 5029, stage 5030, stage-esp 5031, stage-pi 5032,
 * meter-array 5033, stage-hexapod 5034 (the fiber-array bench), bert-pam4 5035 (the PAM4 BERT).
 */
export const SIM_ROLES = ['meter', 'laser', 'laser-santec', 'voa', 'bert', 'stage', 'stage-esp', 'stage-pi', 'meter-array', 'stage-hexapod', 'bert-pam4'] as const;
/** The roles served over VXI-11, as inst0, inst1, ...: the Keysight N77xx/816x boxes, which offer it. */
export const VXI11_ROLES: readonly string[] = ['meter', 'laser', 'voa'];
/** The simulated PM100D's USB identity: Thorlabs' vendor id 0x1313, the PM100D's product id 0x8078 (ThorPy). */
export const PM100_USB = { vendorId: 0x1313, productId: 0x8078, serial: 'P0012345', manufacturer: 'Thorlabs', product: 'PM100D' };
export type SimRole = (typeof SIM_ROLES)[number];

/** What the ESP301's pty links are called: `<dir>/esp301-client` (users open it) and `<dir>/esp301-dev`. */
const PTY_NAMES: Readonly<Record<string, string>> = { 'stage-esp': 'esp301' };

export interface VirtualBenchOptions {
  /** Seed of the hidden world (chip placement, couplers, receiver, stage mechanics, noise). Default 1. */
  seed?: number;
  /**
   * What lies under the fiber array: 'chip' (default; four loopback sites) or 'wafer' (20 × 20 dies of four
   * sites, sim/world/README.md "The wafer world"). Every instrument is the same in both.
   */
  world?: WorldKind;
  /** 'fast' (default): a virtual clock that never waits; 'realtime': operations take their real time. */
  mode?: 'fast' | 'realtime';
  /** How fast the chip's optimum wanders, µm per hour (default: the world's). */
  drift_um_per_h?: number;
  /** The fiber array on the hexapod (count, pitch, mode radius, polish angle, loopback pairs); default 8 fibers, loopback 1–8. */
  fiberArray?: Partial<FiberArrayConfig>;
  /** The BERT's command tree: 'mp1900a' (default, an Anritsu MP1900A) or 'scpi-bert' (this project's own placeholder tree). */
  bertDialect?: BertDialect;
  /**
   * Exchange, meter and servo timing (sim/timing, sim/README.md "Timing profiles"): 'ideal' (default: one
   * constant small cost per exchange, no dead time, no servo lag), 'lan', 'serial', or a profile object.
   */
  timing?: TimingOption;
}

/** Hidden truth of the whole bench at the current bench time (never visible through an instrument). */
export interface BenchTruth {
  seed: number;
  benchTime_s: number;
  /** Chip placement, couplers, receiver, drift, laser offsets, fiber contact, … */
  optical: TruthSnapshot;
  /** Stage backlash and repeatability. */
  stage: StageTruth;
  /** The fiber array's chip (placement, rotation, couplers), the cure's pull and each channel's geometry now. */
  array: ArrayTruthSnapshot;
  /** The wafer's placement and its dead and high-loss dies (wafer world), else null. */
  wafer: WaferTruthSnapshot | null;
}

export class VirtualBench {
  readonly seed: number;
  readonly world: WorldKind;
  readonly clock: BenchClock;
  readonly faults: BenchFaults;
  /** The timing profile in force (validated). */
  readonly timing: TimingProfile;
  private readonly links: LinkHub;
  private readonly optical: OpticalBench;
  private readonly stage: StageBench;
  private readonly array: ArrayBench;

  constructor(opts: VirtualBenchOptions = {}) {
    this.seed = opts.seed ?? 1;
    if (!Number.isInteger(this.seed)) throw new RangeError(`VirtualBench: seed must be an integer, got ${opts.seed}`);
    this.world = opts.world ?? 'chip';
    if (this.world !== 'chip' && this.world !== 'wafer') throw new RangeError(`VirtualBench: world must be 'chip' or 'wafer', got '${String(opts.world)}'`);
    const mode = opts.mode ?? 'fast';
    if (mode !== 'fast' && mode !== 'realtime') throw new RangeError(`VirtualBench: mode must be 'fast' or 'realtime', got '${String(mode)}'`);
    const drift = opts.drift_um_per_h;
    if (drift !== undefined && !(Number.isFinite(drift) && drift >= 0)) {
      throw new RangeError(`VirtualBench: drift_um_per_h must be a finite number ≥ 0, got ${drift}`);
    }
    this.timing = resolveBenchTiming(opts.timing, SIM_ROLES);
    const timed = Object.keys(this.timing.instruments);
    this.clock = createClock(mode);
    const axes = stageAxisOverrides(this.timing);
    this.stage = createStageBench({
      seed: this.seed,
      clock: this.clock,
      ...(axes ? { axes } : {}),
      commandLatency_s: Object.fromEntries(timed.map((role) => [role, 0])),
    });
    this.optical = createOpticalBench({
      seed: this.seed,
      clock: this.clock,
      motion: this.stage.motion,
      world: this.world,
      ...(drift !== undefined ? { drift_um_per_h: drift } : {}),
      ...(opts.bertDialect !== undefined ? { bertDialect: opts.bertDialect } : {}),
    });
    this.array = createArrayBench({ world: this.optical.world, clock: this.clock, ...(opts.fiberArray ? { fiberArray: opts.fiberArray } : {}) });
    for (const p of [...this.optical.meter.ports, ...this.array.meter.ports]) p.logging.setTiming(meterLoggingTiming(this.timing));
    // The PI controller's trigger output is cabled to the meter's trigger input, beside the laser's.
    this.stage.pi.triggerOutputs.connect(this.optical.world.triggers);
    // A timed role's link charges its exchanges; its own constant cost would count them twice.
    for (const i of [...this.optical.instruments, ...this.array.instruments]) if (timed.includes(i.role) && 'commandLatency_s' in i) (i as { commandLatency_s: number }).commandLatency_s = 0;
    const all = inServingOrder([...this.optical.instruments, ...this.stage.instruments, ...this.array.instruments]);
    this.links = new LinkHub(all, { seed: this.seed });
    const terminator = (role: string): number => all.find((i) => i.role === role)?.framing.inputTerminator.length ?? 1;
    for (const [role, link] of linkTimings(this.timing, this.seed, terminator)) this.links.host(role, 'timing').useTiming(link, this.clock);
    this.faults = new BenchFaults({ links: this.links, optical: this.optical.faults, stage: this.stage.motion });
  }

  /** Roles in serving (port) order. */
  get roles(): string[] {
    return this.links.roles;
  }

  /** Bench seconds spent so far (in fast mode, what the same work would take on a real bench). */
  benchTime_s(): number {
    return this.clock.now_s();
  }

  /** The simulated instrument itself (its `execute` bypasses the links and their faults). */
  instrument(role: string): SimInstrument {
    return this.links.host(role, 'instrument').instrument;
  }

  /** An in-process link: program messages in, replies out; what the drivers' `SIM::<role>` resources use. */
  connect(role: string): Duplex {
    return this.links.connect(role);
  }

  /** One loopback TCP server per role (`TCPIP0::127.0.0.1::<port>::SOCKET`), ports in SIM_ROLES order from portBase (0 = ephemeral). */
  serveTcp(opts: { host?: '127.0.0.1'; portBase?: number } = {}): Promise<ServedBench> {
    return this.links.serveTcp(opts);
  }

  /**
   * The Keysight instruments over VXI-11 (`TCPIP0::127.0.0.1::instN::INSTR`, inst0 the meter), as the real
   * N77xx/816x boxes offer it, with a portmapper on `portmapperPort` (0 = ephemeral; real clients want 111).
   */
  serveVxi11(opts: { portmapperPort?: number } = {}): Promise<Vxi11Endpoint> {
    return this.links.serveVxi11({ ...opts, roles: VXI11_ROLES.filter((r) => this.roles.includes(r)) });
  }

  /**
   * A Thorlabs PM100D on the fiber the meter's port 1 sees, through a USBTMC stand-in (a pty and a sysfs
   * tree of its own; usbtmc-standin.ts). It is no TCP role: the real console has USB only. One per call.
   */
  serveUsbtmc(): Promise<UsbtmcStandIn> {
    const pm100 = new ThorlabsPm100(this.optical.world, this.clock);
    return this.links.serveUsbtmc(pm100, PM100_USB);
  }

  /** Serves `role` (meant for the ESP301 stage) on a serial pty made by socat; open `ASRL<path>::INSTR`. */
  servePty(role: string): Promise<PtyEndpoint> {
    const name = PTY_NAMES[role];
    return this.links.servePty(role, name ? { name } : {});
  }

  /** Hidden truth, for tests and benchmarks only: nothing here is visible through the instruments. */
  truth(): BenchTruth {
    return {
      seed: this.seed,
      benchTime_s: this.clock.now_s(),
      optical: this.optical.world.truth(),
      stage: this.stage.motion.truth(),
      array: this.array.world.truth(this.clock.now_s()),
      wafer: this.optical.world.wafer ? waferTruthSnapshot(this.optical.world.wafer) : null,
    };
  }

  /** The wafer truth (placement, dead and high-loss dies), for tests and benchmarks; throws in the chip world. */
  waferTruth(): WaferTruthSnapshot {
    return waferTruthSnapshot(this.waferModel('waferTruth'));
  }

  /** Where a wafer site's optimum is now (drift included): stage XY of the peak and the best Z, µm. Verification only. */
  waferSiteOptimum(die: string, site: string): FiberPosition {
    const w = this.waferModel('waferSiteOptimum');
    const { col, row } = parseDieName(die);
    return w.optimumAt(waferSiteIndex(col, row, siteNumber(site)), this.clock.now_s());
  }

  /** A wafer site's hidden truth (couplers, losses, best gap; optimum before drift). Verification only. */
  waferSite(die: string, site: string): SiteTruth {
    const w = this.waferModel('waferSite');
    const { col, row } = parseDieName(die);
    return structuredClone(w.truth.sites[waferSiteIndex(col, row, siteNumber(site))]!);
  }

  private waferModel(what: string): WaferModel {
    const w = this.optical.world.wafer;
    if (!w) throw new Error(`VirtualBench.${what}: this bench is the chip world; open it with { world: 'wafer' }`);
    return w;
  }

  /**
   * Starts the adhesive cure under the fiber array now: shrinkage pulls the array a few µm sideways (X)
   * and toward the chip (Z) over about a minute (seeded unless given). Returns the settings drawn.
   */
  startCure(settings?: Partial<CureSettings>): CureSettings {
    return this.array.world.startCure(this.clock.now_s(), settings);
  }

  /** The hexapod's true pose and pivot now (µm, degrees): verification only. */
  arrayPose(): { pose: Pose; pivot_um: Vec3 } {
    return { pose: this.array.hexapod.pose(), pivot_um: this.array.hexapod.pivot };
  }

  /** Coupling of each array fiber now (linear, 1-based index − 1): verification only. */
  arrayCouplings(): number[] {
    const t = this.clock.now_s();
    return Array.from({ length: this.array.world.config.count }, (_, i) => this.array.world.coupling(i + 1, t));
  }

  /** Closes every server, pty and socat child this bench opened, and cuts in-process links. Idempotent. */
  close(): Promise<void> {
    return this.links.close();
  }
}

function inServingOrder(instruments: SimInstrument[]): SimInstrument[] {
  const rank = (i: SimInstrument): number => {
    const k = (SIM_ROLES as readonly string[]).indexOf(i.role);
    return k < 0 ? SIM_ROLES.length : k;
  };
  return [...instruments].sort((a, b) => rank(a) - rank(b));
}
