// What a resumed sweep knows of the points recorded before the interruption: the spectrum rows themselves,
// read back from its table (ResumeInfo.rows), so a step sweep journals nothing per point and a resumed
// sweep of either mode can fit them and check that the bench still measures what it measured then.
import type { ResumeInfo, Row } from '../../step.ts';
import type { SpectrumRow } from './spectrum.ts';

/** The cell as a number: the table writes −Infinity for no light and NaN for over range, read back as such. */
function num(v: Row[string] | undefined): number {
  return typeof v === 'number' ? v : NaN;
}

/**
 * The spectrum rows already recorded, in recording order; null when the context cannot say (a hand-made
 * context without rows): the caller then knows only how many there were.
 */
export function recordedSpectrum(resume: ResumeInfo | null): SpectrumRow[] | null {
  const rows = resume?.rows?.['spectrum'];
  if (!rows) return resume ? null : [];
  return rows.map((r) => ({ wavelength_nm: num(r['wavelength_nm']), power_dBm: num(r['power_dBm']), reference_dBm: num(r['reference_dBm']), loss_dB: num(r['loss_dB']) }));
}
