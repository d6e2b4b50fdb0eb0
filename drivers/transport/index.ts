// The transports in one import.
export { BaseTransport, describeIoError } from './transport.ts';
export type { InProcessEndpoint, Transport } from './transport.ts';
export { TcpTransport } from './tcp-transport.ts';
export type { TcpTransportOptions } from './tcp-transport.ts';
export { DEFAULT_SERIAL_SETTINGS, SerialTransport } from './serial-transport.ts';
export type { FlowControl, Parity, SerialLineSettings, SerialTransportOptions } from './serial-transport.ts';
export { InProcessTransport } from './in-process-transport.ts';
