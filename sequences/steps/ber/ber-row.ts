// One row of the ber table from a finished (or skipped) point. Pure. Cells that do not apply (the BER of a
// point without valid counts) are left empty, so a spreadsheet shows a gap, never a number to misread.
import type { Row } from '../../step.ts';
import { pointClaim } from './dwell.ts';
import type { SweptPoint } from './waterfall-report.ts';

export function berRow(p: SweptPoint, confidence: number): Row {
  const valid = p.status === 'measured' || p.status === 'bounded' || p.status === 'limited' || p.status === 'failed';
  const claim = valid ? pointClaim(p.status, { bits: p.bits, errors: p.errors }, confidence) : null;
  return {
    attenuation_dB: p.attenuation_dB,
    power_dBm: Number.isFinite(p.power_dBm) ? p.power_dBm : '',
    bits: p.bits,
    errors: p.errors,
    ber: claim ? claim.ber : '',
    ber_upper: claim ? claim.upper : '',
    ber_lower: claim ? claim.lower : '',
    confidence: claim ? confidence : '',
    dwell_s: p.dwell_s,
    status: p.status,
  };
}
