// VISA-style resource strings: the raw-socket, VXI-11, USBTMC, serial and in-process-simulator forms
// benchctl speaks, and a clear refusal for the VISA forms it recognises but does not support (HiSLIP, GPIB,
// USB RAW, VXI, PXI...).
import { isIPv4, isIPv6 } from 'node:net';

export type ResourceDescriptor =
  /** `host` is a hostname, an IPv4 address, or an IPv6 address (without its brackets, ready for net.connect). */
  | { kind: 'tcpip-socket'; board: number; host: string; port: number }
  /** ASRL3::INSTR → board 3 and this platform's path for it; ASRL/dev/ttyUSB0::INSTR → board null. */
  | { kind: 'serial'; board: number | null; path: string }
  /** VXI-11: `device` is the link name given to create_link (inst0, gpib0,5, ...). */
  | { kind: 'vxi11'; board: number; host: string; device: string }
  /** USBTMC through the Linux usbtmc driver; ids as numbers, the serial as the device reports it. */
  | { kind: 'usbtmc'; board: number; vendorId: number; productId: number; serial: string }
  | { kind: 'sim'; role: string };

export const SUPPORTED_RESOURCES = [
  'TCPIP[board]::<host>::<port>::SOCKET',
  'TCPIP[board]::<host>[::inst0]::INSTR (VXI-11)',
  'USB[board]::<vendor id>::<product id>::<serial>::INSTR (USBTMC)',
  'ASRL<n>::INSTR',
  'ASRL/dev/<path>::INSTR',
  'SIM::<role>',
] as const;

export class ResourceStringError extends Error {
  /** The resource string as given. */
  readonly resource: string;
  /** Which part is wrong or unsupported: 'interface', 'board', 'host', 'port', 'role', 'resource class', ... */
  readonly part: string;
  constructor(resource: string, part: string, message: string) {
    super(message);
    this.name = 'ResourceStringError';
    this.resource = resource;
    this.part = part;
  }
}

/** A well-formed VISA resource of a kind benchctl does not drive. */
export class UnsupportedResourceError extends ResourceStringError {
  constructor(resource: string, part: string, recognised: string, hint = '') {
    super(resource, part, `"${resource}" is ${recognised}, which is not supported${hint}; supported resources: ${SUPPORTED_RESOURCES.join(', ')}`);
    this.name = 'UnsupportedResourceError';
  }
}

/** Splits at `::`, except inside a bracketed IPv6 host. */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '[') {
      const close = text.indexOf(']', i);
      const end = close < 0 ? text.length : close + 1;
      current += text.slice(i, end);
      i = end - 1;
    } else if (ch === ':' && text[i + 1] === ':') {
      parts.push(current);
      current = '';
      i++;
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

function parseHost(resource: string, text: string): string {
  const bad = (why: string): never => {
    throw new ResourceStringError(resource, 'host', `host '${text}' in "${resource}" ${why}`);
  };
  if (text === '') bad('is empty; expected a hostname, an IPv4 address or a bracketed IPv6 address');
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) bad("has '[' without ']'; expected a bracketed IPv6 address such as [::1]");
    const inner = text.slice(1, -1);
    if (!isIPv6(inner)) bad('is not a valid IPv6 address');
    return inner;
  }
  if (text.includes(':')) bad('looks like an IPv6 address; put it in brackets, e.g. [::1]');
  if (/^[0-9.]+$/.test(text)) {
    if (!isIPv4(text)) bad('is not a valid IPv4 address (four numbers 0-255 separated by dots)');
    return text;
  }
  if (text.length > 253 || !text.split('.').every((label) => HOST_LABEL.test(label))) {
    bad("is not a valid hostname (letters, digits, '-' and '.', labels of 1-63 characters)");
  }
  return text;
}

function parsePort(resource: string, text: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ResourceStringError(resource, 'port', `port '${text}' in "${resource}" must be an integer 1-65535`);
  }
  return port;
}

function parseBoard(resource: string, iface: string, text: string): number {
  if (text === '') return 0;
  if (!/^[0-9]+$/.test(text)) {
    throw new ResourceStringError(resource, 'board', `board '${text}' after ${iface} in "${resource}" must be a number, e.g. ${iface}0`);
  }
  return Number(text);
}

function serialPath(n: number, platform: NodeJS.Platform): string {
  // VISA numbers serial ports from 1; Linux's first port is ttyS0, Windows's COM1.
  return platform === 'win32' ? `COM${n}` : `/dev/ttyS${n - 1}`;
}

const OTHER_CLASSES: Readonly<Record<string, string>> = {
  INTFC: 'an interface (INTFC) resource',
  BACKPLANE: 'a VXI backplane (BACKPLANE) resource',
  SERVANT: 'a VXI servant (SERVANT) resource',
  MEMACC: 'a memory-access (MEMACC) resource',
  RAW: 'a raw USB (RAW) resource',
};

/** HiSLIP and GPIB instruments (Keysight N77xx, 816x) are nearly all on the LAN too, where VXI-11 reaches them. */
const LAN_HINT = ': reach the instrument on the LAN over VXI-11 instead (TCPIP0::<host>::inst0::INSTR)';

const OTHER_INTERFACES: ReadonlyArray<[RegExp, string, string?]> = [
  [/^GPIB-VXI\d*$/i, 'a GPIB-VXI resource'],
  [/^GPIB\d*$/i, 'a GPIB resource', LAN_HINT],
  [/^VXI\d*$/i, 'a VXI resource'],
  [/^PXI\d*$/i, 'a PXI resource'],
  [/^FIREWIRE\d*$/i, 'a FireWire resource'],
];

export function parseResource(text: string, platform: NodeJS.Platform = process.platform): ResourceDescriptor {
  const resource = text.trim();
  if (resource === '') {
    throw new ResourceStringError(text, 'resource', `resource string is empty; expected one of ${SUPPORTED_RESOURCES.join(', ')}`);
  }
  const parts = splitParts(resource);
  const head = parts[0] ?? '';
  const last = (parts[parts.length - 1] ?? '').toUpperCase();
  if (/^SIM$/i.test(head)) return parseSim(resource, parts);
  for (const [re, what, hint] of OTHER_INTERFACES) {
    if (re.test(head)) throw new UnsupportedResourceError(resource, 'interface', what, hint);
  }
  if (parts.length > 1 && OTHER_CLASSES[last] !== undefined) {
    throw new UnsupportedResourceError(resource, 'resource class', OTHER_CLASSES[last]);
  }
  const usb = /^USB(.*)$/i.exec(head);
  if (usb) return parseUsb(resource, parts, parseBoard(resource, 'USB', usb[1] ?? ''));
  const tcp = /^TCPIP(.*)$/i.exec(head);
  if (tcp) return parseTcpip(resource, parts, parseBoard(resource, 'TCPIP', tcp[1] ?? ''));
  const asrl = /^ASRL(.*)$/i.exec(head);
  if (asrl) return parseSerial(resource, parts, asrl[1] ?? '', platform);
  throw new ResourceStringError(resource, 'interface',
    `interface '${head}' in "${resource}" is not recognised; expected one of ${SUPPORTED_RESOURCES.join(', ')}`);
}

function parseSim(resource: string, parts: string[]): ResourceDescriptor {
  const role = parts[1] ?? '';
  if (parts.length !== 2) {
    throw new ResourceStringError(resource, 'resource', `"${resource}" must be SIM::<role>, e.g. SIM::laser`);
  }
  if (!/^[a-z0-9_-]+$/.test(role)) {
    throw new ResourceStringError(resource, 'role', `role '${role}' in "${resource}" must be lowercase letters, digits, '-' or '_' (e.g. SIM::laser)`);
  }
  return { kind: 'sim', role };
}

function parseTcpip(resource: string, parts: string[], board: number): ResourceDescriptor {
  const last = (parts[parts.length - 1] ?? '').toUpperCase();
  if (last === 'SOCKET') {
    if (parts.length !== 4) {
      throw new ResourceStringError(resource, 'resource',
        `"${resource}" must be TCPIP[board]::<host>::<port>::SOCKET (an IPv6 host goes in brackets, e.g. [::1])`);
    }
    return { kind: 'tcpip-socket', board, host: parseHost(resource, parts[1] ?? ''), port: parsePort(resource, parts[2] ?? '') };
  }
  if (parts.length === 3 && /^[0-9]+$/.test(parts[2] ?? '')) {
    throw new ResourceStringError(resource, 'resource class', `"${resource}" has a port but no resource class; a raw socket is TCPIP0::<host>::<port>::SOCKET`);
  }
  // VISA's default class is INSTR: TCPIP0::host[::device]::INSTR is VXI-11, or HiSLIP for a hislipN device.
  const body = last === 'INSTR' ? parts.slice(0, -1) : parts;
  if (body.length === 2 || body.length === 3) {
    const host = parseHost(resource, body[1] ?? '');
    const device = body[2] ?? 'inst0';
    if (/^hislip/i.test(device)) throw new UnsupportedResourceError(resource, 'device', 'a HiSLIP (TCPIP::INSTR) resource', LAN_HINT);
    if (!/^[A-Za-z0-9_,.-]{1,64}$/.test(device)) {
      throw new ResourceStringError(resource, 'device', `VXI-11 device name '${device}' in "${resource}" must be letters, digits, ',', '.', '_' or '-' (e.g. inst0, gpib0,5)`);
    }
    return { kind: 'vxi11', board, host, device };
  }
  throw new ResourceStringError(resource, 'resource', `"${resource}" is not a TCPIP resource; expected TCPIP[board]::<host>::<port>::SOCKET`);
}

function usbId(resource: string, part: string, text: string): number {
  const v = /^0x[0-9a-f]{1,4}$/i.test(text) ? parseInt(text, 16) : /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(v >= 0 && v <= 0xffff)) {
    throw new ResourceStringError(resource, part, `${part} '${text}' in "${resource}" must be a 16-bit number such as 0x1313`);
  }
  return v;
}

function parseUsb(resource: string, parts: string[], board: number): ResourceDescriptor {
  const last = (parts[parts.length - 1] ?? '').toUpperCase();
  const body = last === 'INSTR' ? parts.slice(0, -1) : parts;
  if (body.length !== 4) {
    const why = body.length === 5 ? ' (a USB interface number is not supported: the usbtmc driver picks the USBTMC interface)' : '';
    throw new ResourceStringError(resource, 'resource',
      `"${resource}" must be USB[board]::<vendor id>::<product id>::<serial>::INSTR, e.g. USB0::0x1313::0x8078::P0012345::INSTR${why}`);
  }
  const serial = body[3] ?? '';
  if (!/^[\x21-\x7e]+$/.test(serial)) throw new ResourceStringError(resource, 'serial', `serial number '${serial}' in "${resource}" must be printable characters without spaces`);
  return { kind: 'usbtmc', board, vendorId: usbId(resource, 'vendor id', body[1] ?? ''), productId: usbId(resource, 'product id', body[2] ?? ''), serial };
}

function parseSerial(resource: string, parts: string[], rest: string, platform: NodeJS.Platform): ResourceDescriptor {
  if (parts.length > 2 || (parts.length === 2 && (parts[1] ?? '').toUpperCase() !== 'INSTR')) {
    throw new ResourceStringError(resource, 'resource class', `"${resource}" must end in ::INSTR, e.g. ASRL3::INSTR or ASRL/dev/ttyUSB0::INSTR`);
  }
  if (/^[0-9]+$/.test(rest)) {
    const board = Number(rest);
    if (board < 1) throw new ResourceStringError(resource, 'board', `serial port number '${rest}' in "${resource}" must be 1 or more (ASRL1 is the first port)`);
    return { kind: 'serial', board, path: serialPath(board, platform) };
  }
  if (rest.startsWith('/') && rest.length > 1 && !/\s/.test(rest)) return { kind: 'serial', board: null, path: rest };
  if (/^COM[1-9][0-9]*$/i.test(rest)) return { kind: 'serial', board: null, path: rest.toUpperCase() };
  throw new ResourceStringError(resource, 'port',
    `serial port '${rest}' in "${resource}" must be a number (ASRL3::INSTR), a device path (ASRL/dev/ttyUSB0::INSTR) or COMn`);
}

/** Canonical text: TCPIP0::host::5025::SOCKET, ASRL3::INSTR or ASRL/dev/x::INSTR, SIM::role. */
export function formatResource(desc: ResourceDescriptor): string {
  switch (desc.kind) {
    case 'tcpip-socket': {
      const host = desc.host.includes(':') ? `[${desc.host}]` : desc.host;
      return `TCPIP${desc.board}::${host}::${desc.port}::SOCKET`;
    }
    case 'serial':
      return desc.board !== null ? `ASRL${desc.board}::INSTR` : `ASRL${desc.path}::INSTR`;
    case 'vxi11': {
      const host = desc.host.includes(':') ? `[${desc.host}]` : desc.host;
      return `TCPIP${desc.board}::${host}::${desc.device}::INSTR`;
    }
    case 'usbtmc':
      return `USB${desc.board}::${hex4(desc.vendorId)}::${hex4(desc.productId)}::${desc.serial}::INSTR`;
    case 'sim':
      return `SIM::${desc.role}`;
  }
}

function hex4(v: number): string {
  return `0x${v.toString(16).toUpperCase().padStart(4, '0')}`;
}
