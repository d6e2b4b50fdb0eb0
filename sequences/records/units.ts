// The unit a column name carries (`wavelength_nm` → nm, `speed_nm_s` → nm/s), for the CSV's units line.
const UNITS = new Set(['nm', 'pm', 'um', 'mm', 'm', 's', 'ms', 'us', 'min', 'h', 'dBm', 'dB', 'W', 'mW', 'uW', 'nW',
  'Hz', 'kHz', 'MHz', 'GHz', 'Gbps', 'deg', 'rad', 'pct', 'V', 'A', 'C', 'K', 'bits']);
const RATES = new Set(['nm_s', 'um_s', 'mm_s', 'dB_s', 'um_s2']);

export function unitOfColumn(column: string): string {
  const parts = column.split('_');
  if (parts.length >= 3) {
    const two = parts.slice(-2).join('_');
    if (RATES.has(two)) return two.replace('_', '/').replace(/s2$/, 's²');
  }
  const last = parts.length >= 2 ? parts[parts.length - 1] ?? '' : '';
  return UNITS.has(last) ? last : '';
}

/** `wavelength_nm=nm, loss_dB=dB` (columns without a unit are left out). */
export function unitsLine(columns: readonly string[]): string {
  return columns.map((c) => [c, unitOfColumn(c)] as const).filter(([, u]) => u).map(([c, u]) => `${c}=${u}`).join(', ');
}
