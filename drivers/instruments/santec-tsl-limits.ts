// What the Santec driver asks the laser when it opens: the wavelength unit its replies are in, and its
// limits. Both are read from the laser (TSL-570 legacy command set, as QMI's TSL-570 driver and Santec's
// own samples use them); the model table (santec-tsl-model.ts) stands in for limits only on older firmware
// that answers no `:WAV:MIN?`.
import { mwToW } from '../../models/units.ts';
import { queryChained } from '../properties/chain.ts';
import { NM_PLAIN, PLAIN_NUMBER } from '../properties/codecs.ts';
import { parseReply } from '../properties/property.ts';
import { writeChecked } from '../properties/send.ts';
import { isUnanswered } from '../properties/unanswered.ts';
import type { LaserLimits } from '../roles/tunable-laser.ts';
import { readingToDbm } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import { santecLimits, santecReportedLimits } from './santec-tsl-model.ts';
import type { SantecOptions } from './santec-tsl-model.ts';
import { SANTEC_POWER_UNIT, SANTEC_WAVELENGTH_UNIT } from './santec-tsl-table.ts';

const UNIT_QUERY = ':WAV:UNIT?';
const NANOMETRES = ':WAV:UNIT 0';

/**
 * Runs `queries` in one round trip behind `:WAV:UNIT?`. A laser showing THz (left so at the front panel or
 * by another program) is set back to nm and asked again: firmware differ on whether wavelength queries then
 * answer in THz (QMI found they do; Santec's manual says nm), and the driver's numbers are nm either way.
 */
export async function queryInNanometres(session: ScpiSession, queries: readonly string[]): Promise<string[]> {
  const [unit = '', ...replies] = await queryChained(session, [UNIT_QUERY, ...queries]);
  if (parseReply(session.resource, [UNIT_QUERY, ...queries].join(';'), unit, SANTEC_WAVELENGTH_UNIT) === 'nm') return replies;
  await writeChecked(session, NANOMETRES);
  return queryChained(session, queries);
}

/** Puts the laser in nm if it is not (at open: the replies and settings that follow are nm). */
export async function useNanometres(session: ScpiSession): Promise<void> {
  const unit = parseReply(session.resource, UNIT_QUERY, await session.query(UNIT_QUERY), SANTEC_WAVELENGTH_UNIT);
  if (unit !== 'nm') await writeChecked(session, NANOMETRES);
}

const LIMIT_QUERIES = [':WAV:MIN?', ':WAV:MAX?', ':POW:UNIT?', ':POW:LEV:MIN?', ':POW:LEV:MAX?'];

/**
 * The laser's limits, as it reports them (narrowed by the bench file), or the model table's when the
 * firmware answers no limit queries (a refused header, a short or malformed reply, or no reply at all).
 */
export async function readSantecLimits(session: ScpiSession, driver: string, model: string, options: SantecOptions): Promise<LaserLimits> {
  let replies: string[];
  try {
    replies = await queryChained(session, LIMIT_QUERIES);
  } catch (err) {
    if (isUnanswered(err)) return santecLimits(driver, model, options);
    throw err;
  }
  const command = LIMIT_QUERIES.join(';');
  const num = (i: number, codec = PLAIN_NUMBER): number => parseReply(session.resource, command, replies[i] as string, codec);
  const unit = parseReply(session.resource, command, replies[2] as string, SANTEC_POWER_UNIT);
  // In mW the replies have 4 decimals (0.0316 mW is −15.003 dBm): 0.01 dB is what they resolve.
  const dBm = (v: number): number => (unit === 'mW' ? Math.round(readingToDbm(mwToW(v)) * 100) / 100 : v);
  return santecReportedLimits(driver, model, {
    wavelength_nm: { min: num(0, NM_PLAIN), max: num(1, NM_PLAIN) },
    power_dBm: { min: dBm(num(3)), max: dBm(num(4)) },
  }, options);
}
