// The variable optical attenuator in the light path. Attenuation mode: true loss = insertion loss +
// set·(1 + gain error) + offset error, ramping to a new value over its settling time. Power-control mode:
// the VOA regulates its output, as read by its own (slightly wrong) monitor, to a target.
import { dbToLinear } from '../../models/units.ts';
import { Timeline } from './timeline.ts';

export const VOA_MAX_ATTENUATION_DB = 60;

export interface VoaTruth {
  insertionLoss_dB: number;
  attenuationGainError: number;
  attenuationOffsetError_dB: number;
  monitorError_dB: number;
}

/** Settling after a change: 20 ms plus 1 ms per dB moved (a motor-driven filter). */
function settleTime_s(delta_dB: number): number {
  return 0.02 + 0.001 * Math.abs(delta_dB);
}

interface VoaState {
  readonly from_dB: number;
  readonly to_dB: number;
  readonly changed_s: number;
  readonly settle_s: number;
  readonly open: boolean;
  /** Power-control target (dBm at the output), or null in attenuation mode. */
  readonly target_dBm: number | null;
  /** Wavelength the attenuation is calibrated for (`:INP:WAV`), nm. */
  readonly calibration_nm: number;
}

/** Relative attenuation error per nm between the light and the calibration wavelength. */
const WAVELENGTH_SLOPE_PER_NM = 0.001;

export class VoaPath {
  private readonly state = new Timeline<VoaState>({ from_dB: 0, to_dB: 0, changed_s: -Infinity, settle_s: 0, open: false, target_dBm: null, calibration_nm: 1550 });

  constructor(private readonly truth: VoaTruth) {}

  get outputOpen(): boolean {
    return this.state.current.open;
  }

  /** Power-control target (dBm at the output), or null in attenuation mode. */
  get powerTarget_dBm(): number | null {
    return this.state.current.target_dBm;
  }

  /** The attenuation setting now (dB, physical: offset removed, insertion loss excluded). */
  get attenuationSetting_dB(): number {
    return this.state.current.to_dB;
  }

  /** Sets the physical attenuation (0…60 dB); leaves power-control mode; returns when it has settled. */
  setAttenuation(att_dB: number, t_s: number): number {
    const s = this.state.current;
    const now_dB = attenuationAt(s, t_s);
    const settle_s = settleTime_s(att_dB - now_dB);
    this.state.set(t_s, { ...s, from_dB: now_dB, to_dB: att_dB, changed_s: t_s, settle_s, target_dBm: null });
    return t_s + settle_s;
  }

  /** Enters power-control mode with a target output power; returns when the loop has settled. */
  setPowerTarget(target_dBm: number, t_s: number): number {
    const settle_s = 0.05;
    this.state.update(t_s, (s) => ({ ...s, target_dBm, changed_s: t_s, settle_s }));
    return t_s + settle_s;
  }

  /** Leaves power-control mode keeping the attenuation the loop had reached (input power needed to know it). */
  leavePowerControl(t_s: number, input_W: number, wavelength_nm?: number): void {
    const s = this.state.current;
    if (s.target_dBm === null) return;
    const tr = this.transmission(t_s, input_W, wavelength_nm);
    const cal = 1 + WAVELENGTH_SLOPE_PER_NM * ((wavelength_nm ?? s.calibration_nm) - s.calibration_nm);
    let set_dB = s.to_dB;
    if (tr > 0) {
      const loss_dB = (-10 * Math.log10(tr) - this.truth.insertionLoss_dB) / cal;
      set_dB = (loss_dB - this.truth.attenuationOffsetError_dB) / (1 + this.truth.attenuationGainError);
      set_dB = Math.min(VOA_MAX_ATTENUATION_DB, Math.max(0, set_dB));
    }
    this.state.set(t_s, { ...s, target_dBm: null, from_dB: set_dB, to_dB: set_dB, changed_s: t_s, settle_s: 0 });
  }

  /** Sets the wavelength the attenuation is calibrated for; light elsewhere is attenuated slightly wrongly. */
  setCalibrationWavelength(wavelength_nm: number, t_s: number): void {
    this.state.update(t_s, (s) => ({ ...s, calibration_nm: wavelength_nm }));
  }

  get calibrationWavelength_nm(): number {
    return this.state.current.calibration_nm;
  }

  setOutput(open: boolean, t_s: number): void {
    this.state.update(t_s, (s) => ({ ...s, open }));
  }

  settledAt_s(): number {
    const s = this.state.current;
    return s.changed_s + s.settle_s;
  }

  /** The attenuation setting (dB) in effect at t in attenuation mode, ramping while it settles. */
  attenuationAt_dB(t_s: number): number {
    return attenuationAt(this.state.at(t_s), t_s);
  }

  /**
   * Power transmission (linear) at t for an input power `input_W` (needed in power-control mode, where
   * the loop holds its monitor reading on target within the 0…60 dB range) at `wavelength_nm`
   * (default: the calibration wavelength).
   */
  transmission(t_s: number, input_W: number, wavelength_nm?: number): number {
    const s = this.state.at(t_s);
    const cal = 1 + WAVELENGTH_SLOPE_PER_NM * ((wavelength_nm ?? s.calibration_nm) - s.calibration_nm);
    if (!s.open) return 0;
    const il = this.truth.insertionLoss_dB;
    if (s.target_dBm !== null) {
      if (!(input_W > 0)) return dbToLinear(-il);
      const input_dBm = 10 * Math.log10(input_W) + 30;
      // The monitor reads true + monitorError, so the loop settles where true = target − monitorError.
      const wanted_dB = input_dBm - (s.target_dBm - this.truth.monitorError_dB);
      const loss_dB = Math.min(Math.max(wanted_dB, il), il + this.trueAttenuation_dB(VOA_MAX_ATTENUATION_DB));
      return dbToLinear(-loss_dB);
    }
    return dbToLinear(-(il + cal * this.trueAttenuation_dB(attenuationAt(s, t_s))));
  }

  /** What the VOA's own output monitor reads, dBm (true output + monitor error). */
  monitor_dBm(t_s: number, input_W: number, wavelength_nm?: number): number {
    const out_W = input_W * this.transmission(t_s, input_W, wavelength_nm);
    if (!(out_W > 0)) return -Infinity;
    return 10 * Math.log10(out_W) + 30 + this.truth.monitorError_dB;
  }

  private trueAttenuation_dB(set_dB: number): number {
    return Math.max(0, set_dB * (1 + this.truth.attenuationGainError) + this.truth.attenuationOffsetError_dB);
  }
}

function attenuationAt(s: VoaState, t_s: number): number {
  if (t_s >= s.changed_s + s.settle_s) return s.to_dB;
  const f = Math.max(0, (t_s - s.changed_s) / s.settle_s);
  return s.from_dB + (s.to_dB - s.from_dB) * f;
}
