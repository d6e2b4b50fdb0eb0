// The hidden truth of one seeded world: where the chip really is, what its couplers really do, and the
// true errors of every source, attenuator and receiver. Nothing here is visible through an instrument;
// `OpticalWorld.truth()` hands it to tests and benchmarks for verification only.
import type { GratingCoupler } from '../../models/grating.ts';
import type { ReceiverModel } from '../../models/receiver.ts';
import type { SeededRandom } from '../random.ts';
import { CHIP_SURFACE_Z_UM, SITE_COUNT, SURFACE_TOLERANCE_UM, nominalSite } from './layout.ts';

export interface SiteTruth {
  index: number;
  /** Stage XY at which the loopback transmission peaks (at bench time 0, before drift), µm. */
  optimum_um: { x_um: number; y_um: number };
  /** Input and output grating couplers of the loopback. */
  couplerIn: GratingCoupler;
  couplerOut: GratingCoupler;
  /** 1/e² field radius of the chip couplers' mode, µm. */
  chipModeRadius_um: number;
  /** Propagation loss of the loopback waveguide, dB. */
  waveguideLoss_dB: number;
  /** Fiber height above the surface with the best coupling, µm. */
  bestGap_um: number;
  /** Peak-to-peak Fabry–Perot ripple versus gap (period λ/2), dB. */
  rippleDepth_dB: number;
}

export interface WorldTruth {
  seed: number;
  /** Chip placement error common to every site, µm. */
  placementError_um: { x_um: number; y_um: number };
  /** True chip surface height in stage Z, µm. */
  surfaceZ_um: number;
  sites: SiteTruth[];
  /** Drift of the optimum: speed and direction in the XY plane. */
  drift: { speed_um_per_h: number; direction_rad: number };
  laser: { wavelengthOffset_pm: number; powerOffset_dB: number };
  /** Insertion loss of the modulator driven by the BERT's pattern generator, dB. */
  modulatorLoss_dB: number;
  voa: {
    /** Loss at 0 dB attenuation, dB. */
    insertionLoss_dB: number;
    /** True attenuation = set · (1 + gainError) + offsetError. */
    attenuationGainError: number;
    attenuationOffsetError_dB: number;
    /** The VOA's own output monitor reads the true output plus this, dB. */
    monitorError_dB: number;
  };
  /** Fraction of the VOA output sent to meter port 2 (nominally 1 %). */
  tapRatio: number;
  /** 50/50 splitter after the chip: loss to meter port 1 and to the BERT receiver (each ≈ 3.01 dB + excess). */
  splitter: { toMeter_dB: number; toBert_dB: number };
  /** The BERT receiver at its reference line rate and PRBS7. */
  receiver: ReceiverModel;
  /** Line rate at which `receiver.sensitivity_dBm` holds, Hz. */
  receiverReferenceRate_Hz: number;
}

/** Draws every hidden parameter from `rng` (use a stream dedicated to the truth). */
export function drawTruth(seed: number, rng: SeededRandom, drift_um_per_h: number): WorldTruth {
  const placement = { x_um: rng.uniform(-22, 22), y_um: rng.uniform(-22, 22) };
  const sites: SiteTruth[] = [];
  for (let k = 0; k < SITE_COUNT; k++) {
    const nominal = nominalSite(k);
    // One coupler design per site, the two gratings of a loopback differing slightly (fabrication).
    const centre_nm = rng.uniform(1540, 1560);
    const bandwidth1dB_nm = rng.uniform(25, 40);
    const peakLoss_dB = rng.uniform(3, 5);
    const couplerIn: GratingCoupler = { centre_nm, bandwidth1dB_nm, peakLoss_dB };
    const couplerOut: GratingCoupler = {
      centre_nm: clamp(centre_nm + rng.uniform(-1, 1), 1540, 1560),
      bandwidth1dB_nm: clamp(bandwidth1dB_nm + rng.uniform(-1, 1), 25, 40),
      peakLoss_dB: clamp(peakLoss_dB + rng.uniform(-0.2, 0.2), 3, 5),
    };
    sites.push({
      index: k,
      optimum_um: {
        x_um: nominal.x_um + placement.x_um + rng.uniform(-6, 6),
        y_um: nominal.y_um + placement.y_um + rng.uniform(-6, 6),
      },
      couplerIn,
      couplerOut,
      chipModeRadius_um: rng.uniform(4.6, 5.8),
      waveguideLoss_dB: rng.uniform(0.5, 2),
      bestGap_um: rng.uniform(15, 25),
      rippleDepth_dB: rng.uniform(0.15, 0.4),
    });
  }
  return {
    seed,
    placementError_um: placement,
    surfaceZ_um: CHIP_SURFACE_Z_UM + rng.uniform(-SURFACE_TOLERANCE_UM, SURFACE_TOLERANCE_UM),
    sites,
    drift: { speed_um_per_h: drift_um_per_h, direction_rad: rng.angle_rad() },
    laser: { wavelengthOffset_pm: rng.sign() * rng.uniform(1, 6), powerOffset_dB: rng.uniform(-0.1, 0.1) },
    modulatorLoss_dB: rng.uniform(3, 4),
    voa: {
      insertionLoss_dB: rng.uniform(0.8, 1.5),
      attenuationGainError: rng.uniform(-0.005, 0.005),
      attenuationOffsetError_dB: rng.uniform(-0.15, 0.15),
      monitorError_dB: rng.uniform(-0.1, 0.1),
    },
    tapRatio: 0.01 * (1 + rng.uniform(-0.05, 0.05)),
    splitter: { toMeter_dB: 3.01 + rng.uniform(0.05, 0.25), toBert_dB: 3.01 + rng.uniform(0.05, 0.25) },
    receiver: { kind: 'thermal', sensitivity_dBm: rng.uniform(-14, -10), atBer: 1e-12 },
    receiverReferenceRate_Hz: 25.78125e9,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
