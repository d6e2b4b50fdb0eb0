// The MP1900A ED's odd program and response data: gating periods as `d,h,m,s`, clock counts as `E_n`,
// results as quoted strings, ON/OFF states as 1/0 or ON/OFF.
import { ReplyFormatError } from '../errors.ts';

const MAX_PERIOD_S = 99 * 86400 + 86399;

/** `d,h,m,s` for a whole number of seconds in 1 s … 99 d 23:59:59, else null. */
export function gatePeriodText(period_s: number): string | null {
  if (!(typeof period_s === 'number' && Number.isInteger(period_s) && period_s >= 1 && period_s <= MAX_PERIOD_S)) return null;
  const d = Math.floor(period_s / 86400), h = Math.floor((period_s % 86400) / 3600), m = Math.floor((period_s % 3600) / 60);
  return `${d},${h},${m},${period_s % 60}`;
}

export function parseGatePeriod(resource: string, command: string, reply: string): number {
  const parts = reply.split(',').map((x) => Number(x.trim()));
  const [d = NaN, h = NaN, m = NaN, s = NaN] = parts;
  if (parts.length !== 4 || ![d, h, m, s].every((x) => Number.isInteger(x) && x >= 0)) {
    throw new ReplyFormatError(resource, command, reply, 'a gating period d,h,m,s (e.g. 0,0,1,56)');
  }
  return d * 86400 + h * 3600 + m * 60 + s;
}

/** `E_n` for 10^n clocks, n = 3 … 16, else null. */
export function clockCountText(bits: number): string | null {
  if (!(typeof bits === 'number' && bits > 0)) return null;
  const n = Math.round(Math.log10(bits));
  return n >= 3 && n <= 16 && 10 ** n === bits ? `E_${n}` : null;
}

export function parseClockCount(resource: string, command: string, reply: string): number {
  const m = /^"?E_(\d+)"?$/i.exec(reply.trim());
  if (!m) throw new ReplyFormatError(resource, command, reply, 'a clock count E_n (e.g. E_12)');
  return 10 ** Number(m[1]);
}

/** A `:CALC:DATA:EAL?` result: a number in a quoted string (unquoted accepted); NaN when it is not one. */
export function eyeValue(reply: string): number {
  const t = reply.trim().replace(/^"(.*)"$/, '$1').trim();
  return t === '' ? Number.NaN : Number(t);
}

export function parseOnOff(resource: string, command: string, reply: string): boolean {
  const t = reply.trim().toUpperCase();
  if (t === '1' || t === 'ON') return true;
  if (t === '0' || t === 'OFF') return false;
  throw new ReplyFormatError(resource, command, reply, '1, 0, ON or OFF');
}
