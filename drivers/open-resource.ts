// The VISA-style entry point: a resource string and options in, an open session out.
//   const s = await openResource('TCPIP0::10.0.0.5::5025::SOCKET', { timeout_ms: 5000 });
import { SessionOptionError } from './errors.ts';
import { formatResource, parseResource } from './resource.ts';
import type { ResourceDescriptor } from './resource.ts';
import { ScpiSession } from './session/scpi-session.ts';
import { resolveSessionOptions } from './session/session-options.ts';
import type { ResolvedSessionOptions, SessionOptions } from './session/session-options.ts';
import { InProcessTransport } from './transport/in-process-transport.ts';
import { SerialTransport } from './transport/serial-transport.ts';
import { TcpTransport } from './transport/tcp-transport.ts';
import { UsbtmcTransport } from './transport/usbtmc-transport.ts';
import { Vxi11Transport } from './transport/vxi11-transport.ts';
import type { Transport } from './transport/transport.ts';

/**
 * Parses the resource (ResourceStringError / UnsupportedResourceError when it is malformed or not
 * supported), checks the options (SessionOptionError), opens the link (ConnectError) and returns the session.
 */
export async function openResource(resource: string, options: SessionOptions = {}): Promise<ScpiSession> {
  const desc = parseResource(resource);
  const canonical = formatResource(desc);
  const resolved = resolveSessionOptions(canonical, options);
  const transport = createTransport(desc, canonical, options, resolved);
  await transport.open();
  return new ScpiSession(transport, resolved);
}

/** The transport a resource calls for, not yet opened. */
export function createTransport(desc: ResourceDescriptor, canonical: string, options: SessionOptions,
  resolved: ResolvedSessionOptions): Transport {
  const { connectTimeout_ms } = resolved;
  switch (desc.kind) {
    case 'tcpip-socket':
      return new TcpTransport(canonical, { host: desc.host, port: desc.port, connectTimeout_ms });
    case 'serial': {
      const { baudRate, dataBits, parity, stopBits, flowControl } = options;
      return new SerialTransport(canonical, { path: desc.path, connectTimeout_ms, baudRate, dataBits, parity, stopBits, flowControl });
    }
    case 'vxi11': {
      const { portmapperPort } = options;
      return new Vxi11Transport(canonical, { host: desc.host, device: desc.device, connectTimeout_ms, ...(portmapperPort === undefined ? {} : { portmapperPort }) });
    }
    case 'usbtmc':
      return new UsbtmcTransport(canonical, {
        vendorId: desc.vendorId, productId: desc.productId, serial: desc.serial,
        ...(options.usbtmcDevice === undefined ? {} : { devicePath: options.usbtmcDevice }),
      });
    case 'sim':
      if (!options.inProcess) {
        throw new SessionOptionError(canonical, 'inProcess',
          `${canonical} is an in-process simulated instrument and needs the simulator's endpoint; none was given (pass options.inProcess)`);
      }
      return new InProcessTransport(canonical, options.inProcess, desc.role);
  }
}
