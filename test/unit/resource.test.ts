import { describe, expect, it } from 'vitest';
import { formatResource, parseResource, ResourceStringError, UnsupportedResourceError } from '../../drivers/resource.ts';
import type { ResourceDescriptor } from '../../drivers/resource.ts';

function errorOf(text: string): ResourceStringError {
  try {
    parseResource(text, 'linux');
  } catch (e) {
    if (e instanceof ResourceStringError) return e;
    throw e;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('parseResource: raw sockets', () => {
  it.each<[string, ResourceDescriptor]>([
    ['TCPIP0::127.0.0.1::5025::SOCKET', { kind: 'tcpip-socket', board: 0, host: '127.0.0.1', port: 5025 }],
    ['TCPIP::10.0.0.5::5025::SOCKET', { kind: 'tcpip-socket', board: 0, host: '10.0.0.5', port: 5025 }],
    ['TCPIP1::laser-1.lab.example::5026::SOCKET', { kind: 'tcpip-socket', board: 1, host: 'laser-1.lab.example', port: 5026 }],
    ['tcpip0::localhost::1::socket', { kind: 'tcpip-socket', board: 0, host: 'localhost', port: 1 }],
    ['TCPIP0::[::1]::65535::SOCKET', { kind: 'tcpip-socket', board: 0, host: '::1', port: 65535 }],
    ['TCPIP0::[fe80::1:2]::5025::SOCKET', { kind: 'tcpip-socket', board: 0, host: 'fe80::1:2', port: 5025 }],
    ['  TCPIP0::h::5025::SOCKET\n', { kind: 'tcpip-socket', board: 0, host: 'h', port: 5025 }],
  ])('%j', (text, desc) => {
    expect(parseResource(text, 'linux')).toEqual(desc);
  });
});

describe('parseResource: serial ports and the simulator', () => {
  it('maps ASRL<n> to the platform path', () => {
    expect(parseResource('ASRL3::INSTR', 'linux')).toEqual({ kind: 'serial', board: 3, path: '/dev/ttyS2' });
    expect(parseResource('ASRL1::INSTR', 'linux')).toEqual({ kind: 'serial', board: 1, path: '/dev/ttyS0' });
    expect(parseResource('asrl3::instr', 'win32')).toEqual({ kind: 'serial', board: 3, path: 'COM3' });
    expect(parseResource('ASRL3', 'linux')).toEqual({ kind: 'serial', board: 3, path: '/dev/ttyS2' });
  });

  it('takes a device path or a COM name as written', () => {
    expect(parseResource('ASRL/dev/ttyUSB0::INSTR', 'linux')).toEqual({ kind: 'serial', board: null, path: '/dev/ttyUSB0' });
    expect(parseResource('ASRL/tmp/benchctl-sim-xyz/esp301::INSTR')).toEqual({ kind: 'serial', board: null, path: '/tmp/benchctl-sim-xyz/esp301' });
    expect(parseResource('ASRLcom4::INSTR', 'win32')).toEqual({ kind: 'serial', board: null, path: 'COM4' });
  });

  it('reads SIM::<role>', () => {
    expect(parseResource('SIM::laser')).toEqual({ kind: 'sim', role: 'laser' });
    expect(parseResource('sim::stage_2-b')).toEqual({ kind: 'sim', role: 'stage_2-b' });
    expect(parseResource('SIM::raw')).toEqual({ kind: 'sim', role: 'raw' });
  });
});

describe('formatResource', () => {
  it('writes canonical text', () => {
    expect(formatResource({ kind: 'tcpip-socket', board: 0, host: 'h', port: 5025 })).toBe('TCPIP0::h::5025::SOCKET');
    expect(formatResource({ kind: 'tcpip-socket', board: 2, host: '::1', port: 7 })).toBe('TCPIP2::[::1]::7::SOCKET');
    expect(formatResource({ kind: 'serial', board: 3, path: '/dev/ttyS2' })).toBe('ASRL3::INSTR');
    expect(formatResource({ kind: 'serial', board: null, path: '/dev/ttyUSB0' })).toBe('ASRL/dev/ttyUSB0::INSTR');
    expect(formatResource({ kind: 'sim', role: 'meter' })).toBe('SIM::meter');
  });

  it.each(['TCPIP::Host.example::5025::SOCKET', 'tcpip3::[::1]::80::socket', 'asrl7::instr', 'ASRL/dev/ttyACM0', 'sim::voa'])(
    'round-trips %j (parse → format → parse)', (text) => {
      const desc = parseResource(text, 'linux');
      const canonical = formatResource(desc);
      expect(parseResource(canonical, 'linux')).toEqual(desc);
      expect(formatResource(parseResource(canonical, 'linux'))).toBe(canonical);
    });
});

describe('parseResource: VXI-11 and USBTMC', () => {
  it.each([
    ['TCPIP0::10.0.0.5::inst0::INSTR', { kind: 'vxi11', board: 0, host: '10.0.0.5', device: 'inst0' }, 'TCPIP0::10.0.0.5::inst0::INSTR'],
    ['TCPIP0::10.0.0.5::INSTR', { kind: 'vxi11', board: 0, host: '10.0.0.5', device: 'inst0' }, 'TCPIP0::10.0.0.5::inst0::INSTR'],
    ['TCPIP::10.0.0.5', { kind: 'vxi11', board: 0, host: '10.0.0.5', device: 'inst0' }, 'TCPIP0::10.0.0.5::inst0::INSTR'],
    ['TCPIP1::gw.lab::gpib0,5::INSTR', { kind: 'vxi11', board: 1, host: 'gw.lab', device: 'gpib0,5' }, 'TCPIP1::gw.lab::gpib0,5::INSTR'],
    ['USB0::0x1313::0x8078::P0012345::INSTR', { kind: 'usbtmc', board: 0, vendorId: 0x1313, productId: 0x8078, serial: 'P0012345' }, 'USB0::0x1313::0x8078::P0012345::INSTR'],
    ['usb::4883::32888::P1', { kind: 'usbtmc', board: 0, vendorId: 0x1313, productId: 0x8078, serial: 'P1' }, 'USB0::0x1313::0x8078::P1::INSTR'],
  ])('%j parses and has a canonical form', (text, desc, canonical) => {
    expect(parseResource(text, 'linux')).toEqual(desc);
    expect(formatResource(parseResource(text, 'linux'))).toBe(canonical);
  });

  it.each([
    ['TCPIP0::h::in st0::INSTR', 'device', /VXI-11 device name 'in st0'/],
    ['USB0::0x1313::0x8078::INSTR', 'resource', /must be USB\[board\]::<vendor id>::<product id>::<serial>::INSTR/],
    ['USB0::0x1313::0x8078::P1::0::INSTR', 'resource', /a USB interface number is not supported/],
    ['USB0::0x13133::0x8078::P1::INSTR', 'vendor id', /vendor id '0x13133' .* must be a 16-bit number such as 0x1313/],
    ['USB0::0x1313::pm::P1::INSTR', 'product id', /product id 'pm'/],
  ])('%j is malformed: the %s is named', (text, part, message) => {
    const e = errorOf(text);
    expect(e).toBeInstanceOf(ResourceStringError);
    expect(e).not.toBeInstanceOf(UnsupportedResourceError);
    expect(e.part).toBe(part);
    expect(e.message).toMatch(message);
  });

  it('HiSLIP and GPIB stay refused, naming VXI-11 as the way to reach the instrument on the LAN', () => {
    for (const text of ['TCPIP0::host::hislip0::INSTR', 'GPIB0::22::INSTR']) {
      expect(errorOf(text).message).toContain('reach the instrument on the LAN over VXI-11 instead (TCPIP0::<host>::inst0::INSTR)');
    }
  });
});

describe('parseResource: recognised but unsupported', () => {
  it.each([
    ['TCPIP0::host::hislip0::INSTR', 'HiSLIP'],
    ['TCPIP0::host::hislip0,4880::INSTR', 'HiSLIP'],
    ['GPIB0::22::INSTR', 'GPIB'],
    ['GPIB::22::INSTR', 'GPIB'],
    ['GPIB0::INTFC', 'GPIB'],
    ['USB::0x0957::0x3718::MY1::0::RAW', 'USB'],
    ['VXI0::1::INSTR', 'VXI'],
    ['VXI0::1::BACKPLANE', 'VXI'],
    ['GPIB-VXI0::BACKPLANE', 'GPIB-VXI'],
    ['PXI0::3::INSTR', 'PXI'],
    ['TCPIP0::host::INTFC', 'INTFC'],
    ['ASRL1::INTFC', 'INTFC'],
    ['TCPIP0::host::SERVANT', 'SERVANT'],
  ])('%j is refused as %s, listing what is supported', (text, what) => {
    const e = errorOf(text);
    expect(e).toBeInstanceOf(UnsupportedResourceError);
    expect(e.message).toContain(what);
    expect(e.message).toContain(`"${text}"`);
    expect(e.message).toContain('TCPIP[board]::<host>::<port>::SOCKET');
    expect(e.message).toContain('ASRL<n>::INSTR');
    expect(e.message).toContain('SIM::<role>');
    expect(e.resource).toBe(text);
  });
});

describe('parseResource: malformed strings name the part and what was expected', () => {
  it.each([
    ['TCPIP0::h::abc::SOCKET', 'port', `port 'abc' in "TCPIP0::h::abc::SOCKET" must be an integer 1-65535`],
    ['TCPIP0::h::0::SOCKET', 'port', 'must be an integer 1-65535'],
    ['TCPIP0::h::65536::SOCKET', 'port', 'must be an integer 1-65535'],
    ['TCPIP0::h::-1::SOCKET', 'port', 'must be an integer 1-65535'],
    ['TCPIP0::h::::SOCKET', 'port', "port ''"],
    ['TCPIP0::::5025::SOCKET', 'host', 'is empty'],
    ['TCPIP0::300.1.1.1::5025::SOCKET', 'host', 'IPv4'],
    ['TCPIP0::1.2.3::5025::SOCKET', 'host', 'IPv4'],
    ['TCPIP0::bad_host!::5025::SOCKET', 'host', 'hostname'],
    ['TCPIP0::-lead.example::5025::SOCKET', 'host', 'hostname'],
    ['TCPIP0::[::g]::5025::SOCKET', 'host', 'IPv6'],
    ['TCPIP0::[::1::5025::SOCKET', 'host', "'[' without ']'"],
    ['TCPIP0::fe80:1::5025::SOCKET', 'host', 'put it in brackets'],
    ['TCPIP0::fe80::1::5025::SOCKET', 'resource', 'an IPv6 host goes in brackets'],
    ['TCPIPx::h::5025::SOCKET', 'board', "board 'x'"],
    ['TCPIP0::h::5025', 'resource class', '::SOCKET'],
    ['TCPIP0::h::5025::SOCKET::X', 'resource', 'TCPIP[board]::<host>::<port>::SOCKET'],
    ['TCPIP0::a::b::c::d::INSTR', 'resource', 'TCPIP[board]::<host>::<port>::SOCKET'],
    ['ASRL0::INSTR', 'board', 'must be 1 or more'],
    ['ASRL::INSTR', 'port', 'ASRL3::INSTR'],
    ['ASRLx::INSTR', 'port', "serial port 'x'"],
    ['ASRL/::INSTR', 'port', 'device path'],
    ['ASRL3::SOCKET', 'resource class', '::INSTR'],
    ['ASRL3::INSTR::X', 'resource class', '::INSTR'],
    ['SIM::', 'role', "role ''"],
    ['SIM::Laser', 'role', 'lowercase'],
    ['SIM::la ser', 'role', 'lowercase'],
    ['SIM', 'resource', 'SIM::<role>'],
    ['SIM::a::b', 'resource', 'SIM::<role>'],
    ['FOO0::bar', 'interface', "interface 'FOO0'"],
    ['', 'resource', 'empty'],
    ['   ', 'resource', 'empty'],
  ])('%j → part %s', (text, part, message) => {
    const e = errorOf(text);
    expect(e).not.toBeInstanceOf(UnsupportedResourceError);
    expect(e.part).toBe(part);
    expect(e.message).toContain(message);
    if (text.trim() !== '') expect(e.message).toContain(`"${text.trim()}"`);
  });
});
