import normal from '@stdlib/random-base-normal';
import { describe, expect, it } from 'vitest';
import { gratingLoss_dB } from '../../../../models/grating.ts';
import { dbmToW } from '../../../../models/units.ts';
import { analyseSpectrum } from '../../../../sequences/steps/sweep/fit.ts';
import { SpectrumAssemblyError, assembleSpectrum, spectrumRow, usableRows } from '../../../../sequences/steps/sweep/spectrum.ts';
import type { SpectrumSettings } from '../../../../sequences/steps/sweep/spectrum.ts';

const monitorRef: SpectrumSettings = { reference: { kind: 'monitor', tap_dB: 19.96 }, outputLoss_dB: 3.01 };
const coupler = { centre_nm: 1551.3, bandwidth1dB_nm: 22, peakLoss_dB: 9.5 };

/** Logged blocks of a continuous sweep over a loopback whose laser power ripples and whose detectors share a responsivity slope. */
function loggedSweep(n: number, seed: number) {
  const noise = normal.factory(0, 0.002, { seed });
  const wavelengths_nm: number[] = [], output_W: number[] = [], monitor_W: number[] = [];
  for (let k = 0; k < n; k++) {
    const wl = 1520 + (60 * k) / (n - 1);
    const laser_dBm = 3 + 0.3 * Math.sin(wl / 3); // power ripple along the sweep
    const responsivity = 1 + 0.001 * (wl - 1550); // same slope on both detectors
    const input_dBm = laser_dBm - 6; // after modulator and VOA
    wavelengths_nm.push(wl);
    monitor_W.push(dbmToW(input_dBm - 19.96) * responsivity * (1 + noise()));
    output_W.push(dbmToW(input_dBm - gratingLoss_dB(wl, coupler) - 3.01) * responsivity * (1 + noise()));
  }
  return { wavelengths_nm, output_W, monitor_W, outputChannel: 1, monitorChannel: 2 };
}

describe('assembleSpectrum', () => {
  it('matches samples to wavelengths and refers the loss to the monitored input: ripple and responsivity cancel', () => {
    const rows = assembleSpectrum(loggedSweep(601, 1), monitorRef);
    expect(rows).toHaveLength(601);
    for (const r of rows) expect(r.loss_dB).toBeCloseTo(gratingLoss_dB(r.wavelength_nm, coupler), 1);
    const a = analyseSpectrum(rows, 6);
    expect(a.fit?.centre_nm).toBeCloseTo(1551.3, 1);
    expect(a.fit?.bandwidth1dB_nm).toBeCloseTo(22, 0);
    expect(a.fit?.peakLoss_dB).toBeCloseTo(9.5, 1);
    expect(a.measurements['centre_nm']?.value).toBe(a.fit?.centre_nm);
    expect(a.record?.parameters['bandwidth1dB_nm']?.sigma).toBeGreaterThan(0);
    expect(a.warnings).toEqual([]);
  });

  it('with a fixed reference carries the laser ripple into the loss (why monitor is the default)', () => {
    const rows = assembleSpectrum(loggedSweep(601, 2), { reference: { kind: 'fixed', input_dBm: -3 }, outputLoss_dB: 3.01 });
    const errs = rows.map((r) => Math.abs(r.loss_dB - gratingLoss_dB(r.wavelength_nm, coupler)));
    expect(Math.max(...errs)).toBeGreaterThan(0.25);
    expect(rows[0]?.reference_dBm).toBe(-3);
  });

  it('refuses logs of different lengths, naming them and their lengths', () => {
    const s = loggedSweep(100, 3);
    expect(() => assembleSpectrum({ ...s, output_W: s.output_W.slice(1) }, monitorRef))
      .toThrow(/wavelength log has 100 entries but meter channel 1 logged 99 samples/);
    expect(() => assembleSpectrum({ ...s, monitor_W: s.monitor_W.slice(0, 98) }, monitorRef))
      .toThrow(/100 entries but monitor channel 2 logged 98 samples/);
    expect(() => assembleSpectrum({ ...s, output_W: [...s.output_W, 1e-6] }, monitorRef)).toThrow(SpectrumAssemblyError);
  });

  it('refuses an empty log, a missing monitor log and an impossible wavelength', () => {
    expect(() => assembleSpectrum({ wavelengths_nm: [], output_W: [], monitor_W: [], outputChannel: 1 }, monitorRef)).toThrow(/wavelength log is empty/);
    const s = loggedSweep(10, 4);
    expect(() => assembleSpectrum({ wavelengths_nm: s.wavelengths_nm, output_W: s.output_W, outputChannel: 1, monitorChannel: 2 }, monitorRef))
      .toThrow(/needs the log of the monitor channel \(2\)/);
    expect(() => assembleSpectrum({ ...s, wavelengths_nm: [NaN, ...s.wavelengths_nm.slice(1)] }, monitorRef)).toThrow(/entry 0 is NaN/);
  });

  it('keeps dark and over-range samples in the rows but out of the fit, and says so', () => {
    const s = loggedSweep(200, 5);
    s.output_W[3] = 0; // no light: -Infinity dBm
    s.output_W[7] = NaN; // over range
    const rows = assembleSpectrum(s, monitorRef);
    expect(rows[3]?.power_dBm).toBe(-Infinity);
    expect(Number.isNaN(rows[7]?.loss_dB)).toBe(true);
    expect(usableRows(rows)).toMatchObject({ dark: 1, overrange: 1 });
    const a = analyseSpectrum(rows, 6);
    expect(a.warnings).toEqual([
      '1 of 200 points saw no light on a channel and were left out of the fit',
      '1 of 200 points were over the meter\'s range and were left out of the fit',
    ]);
    expect(a.fit).not.toBeNull();
  });
});

describe('spectrumRow', () => {
  it('loss = input − (output + output loss)', () => {
    expect(spectrumRow(1550, -20, -30, monitorRef)).toEqual({ wavelength_nm: 1550, power_dBm: -20, reference_dBm: -10.04, loss_dB: -10.04 - (-20 + 3.01) });
    expect(() => spectrumRow(1550, -20, undefined, monitorRef)).toThrow(/monitor reference needs a monitor-channel reading/);
  });
});

describe('analyseSpectrum without a peak', () => {
  it('reports the fit failure as a warning and no fitted measurements', () => {
    const flat = Array.from({ length: 50 }, (_, i) => ({ wavelength_nm: 1500 + i, power_dBm: -20, reference_dBm: 0, loss_dB: 20 + 0.001 * Math.sin(i) }));
    const a = analyseSpectrum(flat, 6);
    expect(a.fit).toBeNull();
    expect(a.warnings[0]).toMatch(/^no grating fit: /);
    expect(a.measurements['centre_nm']).toBeUndefined();
    expect(a.measurements['minLoss_dB']?.value).toBeCloseTo(19.999, 2);
  });

  it('warns when the fitted centre is outside the swept range', () => {
    const rows = Array.from({ length: 30 }, (_, i) => {
      const wl = 1500 + i;
      return { wavelength_nm: wl, power_dBm: 0, reference_dBm: 0, loss_dB: gratingLoss_dB(wl, { ...coupler, centre_nm: 1535 }) };
    });
    expect(analyseSpectrum(rows, 20).warnings.some((w) => /lies outside the swept range/.test(w))).toBe(true);
  });
});
