// Before a sweep the laser's power setting is checked against the most it can hold over the whole sweep
// range (`:SOURce:WAVelength:SWEep:PMAX? <start>,<stop>`, W): near the band edges a tunable laser
// delivers less than its CW maximum, and a sweep started above it runs at a power the caller did not ask
// for (or is refused mid-way). Source: Keysight 816x / N777xC programming guides, `:WAVelength:SWEep:PMAX?`;
// LabExT `LabExT/Instruments/LaserMainframeKeysight.py` `sweep_wl_setup` (refuses a power above PMAX,
// reading the reply in W).
import { queryChained } from '../properties/chain.ts';
import { PLAIN_NUMBER, POWER_UNIT_01, metresToNm } from '../properties/codecs.ts';
import { InvalidSettingError } from '../properties/errors.ts';
import { parseReply } from '../properties/property.ts';
import { readingToDbm } from '../roles/units.ts';
import type { ScpiSession } from '../session/scpi-session.ts';

export interface SweepSpan {
  start_nm: number;
  stop_nm: number;
}

/** The sweep's start and stop as the laser holds them (for a sweep configured by someone else). */
export async function readSweepSpan(session: ScpiSession, slot: number): Promise<SweepSpan> {
  const queries = [`:SOUR${slot}:WAV:SWE:STAR?`, `:SOUR${slot}:WAV:SWE:STOP?`];
  const [start = '', stop = ''] = await queryChained(session, queries);
  const command = queries.join(';');
  return { start_nm: metresToNm(parseReply(session.resource, command, start, PLAIN_NUMBER)), stop_nm: metresToNm(parseReply(session.resource, command, stop, PLAIN_NUMBER)) };
}

/**
 * The power setting and PMAX over the span in one round trip; refuses (InvalidSettingError naming the
 * power, the maximum and the span) a power above it. Compared in dBm to 0.01 dB, the laser's resolution.
 */
export async function checkSweepPower(session: ScpiSession, slot: number, span: SweepSpan): Promise<void> {
  const nm = (v: number): string => `${PLAIN_NUMBER.format(v)}NM`;
  const queries = [`:SOUR${slot}:POW:UNIT?`, `:SOUR${slot}:POW?`, `:SOUR${slot}:WAV:SWE:PMAX? ${nm(span.start_nm)},${nm(span.stop_nm)}`];
  const [unitReply = '', powerReply = '', pmaxReply = ''] = await queryChained(session, queries);
  const command = queries.join(';');
  const unit = parseReply(session.resource, command, unitReply, POWER_UNIT_01);
  const power = parseReply(session.resource, command, powerReply, PLAIN_NUMBER);
  const power_dBm = unit === 'W' ? readingToDbm(power) : power;
  const pmax_dBm = readingToDbm(parseReply(session.resource, command, pmaxReply, PLAIN_NUMBER));
  if (power_dBm > pmax_dBm + 0.005) {
    throw new InvalidSettingError(session.resource, 'power_dBm', Number(power_dBm.toFixed(3)),
      `at most ${pmax_dBm.toFixed(2)} dBm, the most the laser holds over the sweep ${span.start_nm}…${span.stop_nm} nm (:WAV:SWE:PMAX?); lower the power or narrow the sweep`);
  }
}
