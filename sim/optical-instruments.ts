// The optical half of the virtual bench: one seeded world and the SCPI instruments that look at it
// (meter, Keysight laser, Santec laser, VOA, BERT, and a PAM4 BERT on the same receiver), plus the
// physical faults they can suffer.
import type { BenchClock } from './clock.ts';
import { Bert } from './instruments/bert.ts';
import type { BertDialect } from './instruments/bert.ts';
import { KeysightLaser } from './instruments/laser-keysight.ts';
import { SantecLaser } from './instruments/laser-santec.ts';
import { KeysightMeter } from './instruments/meter-keysight.ts';
import { KeysightVoa } from './instruments/voa-keysight.ts';
import type { MotionSystem } from './motion/motion-system.ts';
import type { SimInstrument } from './sim-instrument.ts';
import { OpticalWorld } from './world/optical-world.ts';
import type { WorldKind } from './world/optical-world.ts';

/** 200GBASE-R/400GBASE-R lanes: 53.125 GBd PAM4. */
export const PAM4_BERT_RATE_HZ = 106.25e9;
/** The PAM4 BERT's own identity: this simulator's scpi-bert tree, another serial number. */
export const PAM4_BERT_IDENTITY = 'BENCHSIM,SIM-BERT,SIM00003,1.0.0';

export interface OpticalBenchOptions {
  seed: number;
  clock: BenchClock;
  motion: MotionSystem;
  /** What lies under the fiber array (default 'chip'). */
  world?: WorldKind;
  drift_um_per_h?: number;
  /** The BERT's command tree: the MP1900A's (default) or this project's own `scpi-bert` placeholder. */
  bertDialect?: BertDialect;
}

/** Physical faults of the optical bench (error injection per instrument is each instrument's `pushError`). */
export interface OpticalFaults {
  /** The laser's interlock opens: output off at once, each laser front end queues an error. */
  tripInterlock(): void;
  /** The interlock closes; the output stays off until switched on again. */
  resetInterlock(): void;
  /** The BERT's detector loses pattern sync until restored (SYNC? 0, counts at BER 0.5, PSL? counts the sync-loss seconds). */
  loseBertSync(): void;
  restoreBertSync(): void;
}

export interface OpticalBench {
  world: OpticalWorld;
  /** In serving order: meter, laser, laser-santec, voa, bert, bert-pam4. */
  instruments: SimInstrument[];
  meter: KeysightMeter;
  laser: KeysightLaser;
  laserSantec: SantecLaser;
  voa: KeysightVoa;
  bert: Bert;
  /**
   * A second BERT on the same loopback and receiver, PAM4 at 106.25 Gb/s with KP4 FEC analysis, in this
   * project's scpi-bert tree (the MP1900A's PAM4/FEC commands are not in the cited sources).
   */
  bertPam4: Bert;
  faults: OpticalFaults;
}

export function createOpticalBench(opts: OpticalBenchOptions): OpticalBench {
  const { clock } = opts;
  const world = new OpticalWorld({
    seed: opts.seed,
    clock,
    motion: opts.motion,
    ...(opts.world !== undefined ? { world: opts.world } : {}),
    ...(opts.drift_um_per_h !== undefined ? { drift_um_per_h: opts.drift_um_per_h } : {}),
  });
  const meter = new KeysightMeter(world, clock);
  const laser = new KeysightLaser(world.laser, clock);
  const laserSantec = new SantecLaser(world.laser, clock, world.stream('santec-monitor'));
  const voa = new KeysightVoa(world, clock, world.stream('voa-monitor'));
  const bert = new Bert(world, clock, opts.bertDialect ?? 'mp1900a');
  const bertPam4 = new Bert(world, clock, 'scpi-bert', { role: 'bert-pam4', coding: 'PAM4', rate_Hz: PAM4_BERT_RATE_HZ, identity: PAM4_BERT_IDENTITY });
  const faults: OpticalFaults = {
    tripInterlock: () => world.laser.tripInterlock(clock.now_s()),
    resetInterlock: () => world.laser.resetInterlock(clock.now_s()),
    loseBertSync: () => bert.loseSync(),
    restoreBertSync: () => bert.restoreSync(),
  };
  return { world, instruments: [meter, laser, laserSantec, voa, bert, bertPam4], meter, laser, laserSantec, voa, bert, bertPam4, faults };
}
