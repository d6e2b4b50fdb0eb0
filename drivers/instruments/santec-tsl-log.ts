// The Santec TSL's wavelength log: the wavelength it measured at each trigger-output pulse of its last
// continuous sweep. `:READout:POINts?` says how many; `:READout:DATa?` sends them as a definite block of
// 4-byte little-endian signed integers in units of 0.1 pm (Santec's TSL samples decode it as int32 / 10 000
// to nm; QMI's TSL-570 driver quotes the manual's "units of 0.1 pm").
import { BlockFormatError } from '../errors.ts';
import { transferTimeout_ms } from '../properties/transfer-time.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

const POINTS = ':READout:POINts?';
const DATA = ':READout:DATa?';
const BYTES_PER_POINT = 4;
const NM_PER_COUNT = 1e-4;

/** The block's payload → nm, to the 0.1 pm the laser resolves. */
export function decodeSantecLog_nm(payload: Uint8Array): number[] {
  if (payload.length % BYTES_PER_POINT !== 0) {
    throw new RangeError(`${payload.length} bytes are not a whole number of 4-byte wavelength points`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  // toFixed(4): 15_501_234 × 1e-4 is 1550.1234000000001 in binary.
  return Array.from({ length: payload.length / BYTES_PER_POINT }, (_, i) => Number((view.getInt32(BYTES_PER_POINT * i, true) * NM_PER_COUNT).toFixed(4)));
}

/** The last sweep's wavelength log, nm; [] when the laser logged nothing (no data block is asked for then). */
export async function fetchSantecLog_nm(session: ScpiSession): Promise<number[]> {
  const points = await session.queryInteger(POINTS);
  if (points === 0) return [];
  // The reply's timeout grows with the points it carries (4 bytes each), plus 0.5 s for the laser.
  const payload = await session.queryBlock(DATA, { timeout_ms: transferTimeout_ms(session, BYTES_PER_POINT * points, 0.5) });
  let log: number[];
  try {
    log = decodeSantecLog_nm(payload);
  } catch (err) {
    throw new BlockFormatError(session.resource, DATA, (err as Error).message, { cause: err });
  }
  if (log.length !== points) {
    throw new BlockFormatError(session.resource, DATA, `${log.length} wavelength points, but ${POINTS} said ${points}`);
  }
  return log;
}
