// Driving simulated instruments directly through execute(): replies as text, blocks decoded.
import { decodeFloats, parseErrorQueueReply, scanBlock } from '../../../../drivers/scpi/index.ts';
import type { SimInstrument } from '../../../../sim/sim-instrument.ts';

/** Sends one program message; the reply without its terminator, or undefined when nothing came back. */
export async function send(inst: SimInstrument, message: string): Promise<string | undefined> {
  const r = await inst.execute(message);
  if (r === undefined) return undefined;
  const text = Buffer.from(r).toString('latin1');
  // LF for SCPI, CR for the Santec TSL; the ESP301's CR LF keeps its CR (its tests expect it).
  return text.endsWith('\n') || text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** A query that must answer. */
export async function ask(inst: SimInstrument, message: string): Promise<string> {
  const r = await send(inst, message);
  if (r === undefined) throw new Error(`no reply to ${message}; errors: ${await errors(inst)}`);
  return r;
}

export async function askNumber(inst: SimInstrument, message: string): Promise<number> {
  return Number(await ask(inst, message));
}

/** Drains the error queue: the codes, oldest first. */
export async function errorCodes(inst: SimInstrument): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 50; i++) {
    const e = parseErrorQueueReply(await ask(inst, ':SYST:ERR?'));
    if (e.code === 0) break;
    out.push(e.code);
  }
  return out;
}

/** Drains the error queue as text entries. */
export async function errors(inst: SimInstrument): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 50; i++) {
    const e = await ask(inst, ':SYST:ERR?');
    if (e.startsWith('0,') || e.startsWith('+0,')) break;
    out.push(e);
  }
  return out;
}

/** A query answering a definite block of little-endian floats. */
export async function askFloats(inst: SimInstrument, message: string, type: 'float32' | 'float64'): Promise<number[]> {
  const r = await inst.execute(message);
  if (!r) throw new Error(`no reply to ${message}`);
  const scan = scanBlock(r);
  if (scan.status !== 'complete') throw new Error(`reply to ${message} is not a complete block: ${JSON.stringify(scan)}`);
  expectTerminated(r, scan.end);
  return decodeFloats(r.subarray(scan.payloadStart, scan.payloadEnd), type, 'little');
}

function expectTerminated(r: Uint8Array, end: number): void {
  if (r[end] !== 0x0a || r.length !== end + 1) throw new Error('block reply must end with exactly one LF after the block');
}

export const dBm = (w: number): number => 10 * Math.log10(w) + 30;
