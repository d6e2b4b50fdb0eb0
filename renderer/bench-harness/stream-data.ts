// Synthetic spectrum rows for the UI benchmark (a grating-coupler parabola in dB with a little ripple)
// and the frame statistics it reports. Pure, apart from waitFrames.

export interface SpectrumRowData {
  wavelength_nm: number;
  power_dBm: number;
  loss_dB: number;
}

export function spectrumRow(i: number, n: number): SpectrumRowData {
  const w = 1500 + (100 * i) / Math.max(1, n - 1);
  const loss = 4 + ((w - 1551) / 16) ** 2 + 0.05 * Math.sin(i * 0.37);
  return { wavelength_nm: w, power_dBm: -loss, loss_dB: loss };
}

export interface FrameStats {
  frames: number;
  median_ms: number;
  p95_ms: number;
  max_ms: number;
}

/** Median, 95th percentile and worst of the intervals between frame timestamps. */
export function frameStats(stamps: readonly number[]): FrameStats {
  const d: number[] = [];
  for (let i = 1; i < stamps.length; i++) d.push((stamps[i] as number) - (stamps[i - 1] as number));
  d.sort((a, b) => a - b);
  const q = (p: number) => (d.length ? (d[Math.min(d.length - 1, Math.floor(p * (d.length - 1)))] as number) : Number.NaN);
  return { frames: d.length, median_ms: q(0.5), p95_ms: q(0.95), max_ms: d.length ? (d[d.length - 1] as number) : Number.NaN };
}

export function waitFrames(n: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (k: number) => (k <= 0 ? resolve() : requestAnimationFrame(() => step(k - 1)));
    step(n);
  });
}
