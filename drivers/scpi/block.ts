// IEEE 488.2 arbitrary block data: definite `#<n><len><bytes>` and indefinite `#0<bytes>\n`.
// Pure byte handling shared by the session (reading blocks off a stream) and the simulator (sending them).

export type FloatType = 'float32' | 'float64';
export type ByteOrder = 'little' | 'big';

export type BlockScan =
  /** A whole block lies in the buffer: payload is bytes [payloadStart, payloadEnd); the block ends at `end`. */
  | { status: 'complete'; payloadStart: number; payloadEnd: number; end: number; indefinite: boolean }
  /** More bytes are needed; `needed` is the total length once known (definite blocks). */
  | { status: 'incomplete'; needed?: number }
  | { status: 'invalid'; reason: string };

const HASH = 0x23;
const ZERO = 0x30;
const LF = 0x0a;

/** Looks for a block starting at `offset` (which must point at '#'). Never throws. */
export function scanBlock(buf: Uint8Array, offset = 0): BlockScan {
  if (buf.length <= offset) return { status: 'incomplete' };
  if (buf[offset] !== HASH) return { status: 'invalid', reason: `expected '#' at byte ${offset}, found 0x${(buf[offset] ?? 0).toString(16)}` };
  if (buf.length <= offset + 1) return { status: 'incomplete' };
  const n = (buf[offset + 1] ?? 0) - ZERO;
  if (n < 0 || n > 9) return { status: 'invalid', reason: `block header digit count must be 0-9, found '${String.fromCharCode(buf[offset + 1] ?? 0)}'` };
  if (n === 0) {
    // Indefinite: the payload runs to the LF that ends the message (sent with END).
    const lf = buf.indexOf(LF, offset + 2);
    if (lf < 0) return { status: 'incomplete' };
    return { status: 'complete', payloadStart: offset + 2, payloadEnd: lf, end: lf + 1, indefinite: true };
  }
  const digitsEnd = offset + 2 + n;
  if (buf.length < digitsEnd) return { status: 'incomplete' };
  let length = 0;
  for (let i = offset + 2; i < digitsEnd; i++) {
    const d = (buf[i] ?? 0) - ZERO;
    if (d < 0 || d > 9) return { status: 'invalid', reason: `block length field '${latin1(buf.subarray(offset + 2, digitsEnd))}' is not decimal` };
    length = length * 10 + d;
  }
  const payloadEnd = digitsEnd + length;
  if (buf.length < payloadEnd) return { status: 'incomplete', needed: payloadEnd - offset };
  return { status: 'complete', payloadStart: digitsEnd, payloadEnd, end: payloadEnd, indefinite: false };
}

/** Wraps a payload in a definite-length block header. */
export function encodeDefiniteBlock(payload: Uint8Array): Uint8Array {
  const len = String(payload.length);
  if (len.length > 9) throw new RangeError(`block payload of ${payload.length} bytes is too long for a definite block`);
  const header = Buffer.from(`#${len.length}${len}`, 'latin1');
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

/** Packs numbers as float32/float64 in the given byte order (Keysight instruments send little-endian). */
export function encodeFloats(values: ArrayLike<number>, type: FloatType, order: ByteOrder = 'little'): Uint8Array {
  const size = type === 'float32' ? 4 : 8;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  const little = order === 'little';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (type === 'float32') view.setFloat32(i * size, v, little);
    else view.setFloat64(i * size, v, little);
  }
  return out;
}

/** Unpacks float32/float64 values; the payload length must be a whole number of values. */
export function decodeFloats(payload: Uint8Array, type: FloatType, order: ByteOrder = 'little'): number[] {
  const size = type === 'float32' ? 4 : 8;
  if (payload.length % size !== 0) {
    throw new RangeError(`block of ${payload.length} bytes is not a whole number of ${type} values (${size} bytes each)`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const little = order === 'little';
  const out = new Array<number>(payload.length / size);
  for (let i = 0; i < out.length; i++) {
    out[i] = type === 'float32' ? view.getFloat32(i * size, little) : view.getFloat64(i * size, little);
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
