// Insertion-loss spectrum from readings: loss_dB = power into the DUT − power out of it. Pure: the sweep
// step hands in the laser's wavelength log and the meter's power logs (or one step's readings).
//
// Where the input power comes from (`reference`):
//   'monitor' — the meter's input-monitor channel (a tap before the DUT), plus the tap ratio. The default,
//               because it is a ratio measurement: the laser's power error and any drift or ripple during
//               the sweep, and the detectors' responsivity slope with wavelength (which a continuous sweep
//               cannot re-calibrate sample by sample, both channels seeing the same wavelength), cancel.
//   'fixed'   — a given input power (a bench without a monitor tap, or a reference measured beforehand by
//               cut-back). It carries the laser's power error and, in a continuous sweep, the responsivity
//               slope of the output detector.
import { readingToDbm } from '../../../drivers/roles/units.ts';

export class SpectrumAssemblyError extends Error {
  override name = 'SpectrumAssemblyError';
}

export type SpectrumReference =
  | { kind: 'monitor'; /** Power into the DUT − power on the monitor, dB (19.96 for a 1 % tap). */ tap_dB: number }
  | { kind: 'fixed'; /** Power launched into the DUT, dBm. */ input_dBm: number };

export interface SpectrumSettings {
  reference: SpectrumReference;
  /** Loss between the DUT's output and the output channel (a splitter, connectors), dB. */
  outputLoss_dB: number;
}

export interface SpectrumRow {
  wavelength_nm: number;
  /** What the output channel read, dBm (−Infinity for no light, NaN for over range). */
  power_dBm: number;
  /** The power into the DUT the loss is referred to, dBm. */
  reference_dBm: number;
  loss_dB: number;
}

/** One point of the spectrum from readings in dBm. */
export function spectrumRow(wavelength_nm: number, output_dBm: number, monitor_dBm: number | undefined, s: SpectrumSettings): SpectrumRow {
  let reference_dBm: number;
  if (s.reference.kind === 'monitor') {
    if (monitor_dBm === undefined) throw new SpectrumAssemblyError('the monitor reference needs a monitor-channel reading at every wavelength');
    reference_dBm = monitor_dBm + s.reference.tap_dB;
  } else {
    reference_dBm = s.reference.input_dBm;
  }
  return { wavelength_nm, power_dBm: output_dBm, reference_dBm, loss_dB: reference_dBm - (output_dBm + s.outputLoss_dB) };
}

export interface LoggedSweep {
  /** The laser's wavelength log (float64 block), one entry per trigger, nm. */
  wavelengths_nm: ArrayLike<number>;
  /** The output channel's log (float32 block), W. */
  output_W: ArrayLike<number>;
  /** The monitor channel's log, W; needed with the monitor reference. */
  monitor_W?: ArrayLike<number>;
  /** Channel numbers, for messages. */
  outputChannel: number;
  monitorChannel?: number;
}

/**
 * The spectrum of a continuous sweep: sample k of each meter log was triggered by the laser's k-th trigger,
 * at wavelength k of its log. Logs of different lengths mean a trigger was missed (or one log was cut
 * short), and then no sample can be matched to its wavelength: refused, naming the logs and their lengths.
 */
export function assembleSpectrum(sweep: LoggedSweep, s: SpectrumSettings): SpectrumRow[] {
  const n = sweep.wavelengths_nm.length;
  if (n === 0) throw new SpectrumAssemblyError('the laser\'s wavelength log is empty: the sweep logged no trigger');
  const mismatch = (what: string, len: number) => new SpectrumAssemblyError(
    `the laser's wavelength log has ${n} entries but ${what} logged ${len} samples; each sample must match one trigger ` +
    '(was the averaging time longer than the time between triggers, or the logging armed late?)');
  if (sweep.output_W.length !== n) throw mismatch(`meter channel ${sweep.outputChannel}`, sweep.output_W.length);
  const monitor = sweep.monitor_W;
  if (s.reference.kind === 'monitor') {
    if (!monitor) throw new SpectrumAssemblyError(`the monitor reference needs the log of the monitor channel (${sweep.monitorChannel ?? '?'})`);
    if (monitor.length !== n) throw mismatch(`monitor channel ${sweep.monitorChannel ?? '?'}`, monitor.length);
  }
  const rows: SpectrumRow[] = [];
  for (let k = 0; k < n; k++) {
    const wl = sweep.wavelengths_nm[k] as number;
    if (!(Number.isFinite(wl) && wl > 0)) throw new SpectrumAssemblyError(`wavelength log entry ${k} is ${wl}, expected a wavelength > 0 nm`);
    const monitor_dBm = s.reference.kind === 'monitor' && monitor ? readingToDbm(monitor[k] as number) : undefined;
    rows.push(spectrumRow(wl, readingToDbm(sweep.output_W[k] as number), monitor_dBm, s));
  }
  return rows;
}

/** Rows a fit can use (finite loss), and how many were left out because a channel saw no light or overflowed. */
export function usableRows(rows: readonly SpectrumRow[]): { rows: SpectrumRow[]; dark: number; overrange: number } {
  let dark = 0, overrange = 0;
  const ok: SpectrumRow[] = [];
  for (const r of rows) {
    if (Number.isFinite(r.loss_dB)) ok.push(r);
    else if (Number.isNaN(r.loss_dB)) overrange++;
    else dark++;
  }
  return { rows: ok, dark, overrange };
}
