// Number formatting for the UI: fixed decimals per quantity so digits do not jump, units after a thin
// space, durations in h/min/s, powers below the floor shown as such rather than as −∞.

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${(seconds * 1000).toFixed(0)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), rest = s % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(rest).padStart(2, '0')} s`;
}

export function formatDbm(power_dBm: number | null | undefined, digits = 2): string {
  if (power_dBm === null || power_dBm === undefined) return 'no light';
  if (!Number.isFinite(power_dBm)) return '—';
  return `${power_dBm.toFixed(digits)} dBm`;
}

/** mW with an SI prefix that keeps 3–4 significant digits: 1.234 mW, 56.78 µW, 912.3 nW. */
export function formatPower_mW(power_mW: number | null | undefined): string {
  if (power_mW === null || power_mW === undefined || !Number.isFinite(power_mW)) return '—';
  if (power_mW === 0) return '0 mW';
  const units: [number, string][] = [[1, 'mW'], [1e-3, 'µW'], [1e-6, 'nW'], [1e-9, 'pW']];
  for (const [scale, unit] of units) {
    if (Math.abs(power_mW) >= scale) return `${(power_mW / scale).toPrecision(4)} ${unit}`;
  }
  return `${(power_mW / 1e-12).toPrecision(4)} fW`;
}

export function formatNumber(value: number | null | undefined, digits: number, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** A step's measurement: integers as such, else 3–4 significant digits without exponent where sensible. */
export function formatMeasurement(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return value.toExponential(3);
  return value.toFixed(a >= 1000 ? 2 : a >= 1 ? 3 : 4);
}

export function formatBer(ber: number | null | undefined): string {
  if (ber === null || ber === undefined || !Number.isFinite(ber)) return '—';
  return ber === 0 ? '0' : ber.toExponential(2);
}

/** The unit of a quantity from its name's suffix: wavelength_nm → nm, power_dBm → dBm, x_um → µm. */
export function unitOf(name: string): string {
  const m = /_([A-Za-z0-9]+)$/.exec(name);
  if (!m) return '';
  const u = m[1] as string;
  const pretty: Record<string, string> = { um: 'µm', um_s: 'µm/s', nm_s: 'nm/s', Gbps: 'Gb/s', pct: '%' };
  return pretty[u] ?? u;
}
