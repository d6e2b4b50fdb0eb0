// The simulator's public surface: the virtual bench, its faults, its links, and the contracts they share.
export { VirtualBench, SIM_ROLES } from './virtual-bench.ts';
export type { VirtualBenchOptions, SimRole, BenchTruth } from './virtual-bench.ts';
export { BenchFaults, FaultArgumentError } from './faults.ts';
export type { OpticalFaultHooks, StageFaultHooks } from './faults.ts';
export { LinkHub, UnknownRoleError, DEFAULT_PORT_BASE } from './link/link-hub.ts';
export type { ServedBench, ServeTcpOptions } from './link/link-hub.ts';
export { LinkServeError, tcpResource } from './link/tcp-server.ts';
export type { TcpEndpoint } from './link/tcp-server.ts';
export { PtyUnavailableError, socatAvailable } from './link/pty-server.ts';
export type { PtyEndpoint } from './link/pty-server.ts';
export { simBenchFileYaml, SIM_DRIVERS, SIM_Z_SOFT_MIN_UM, DEFAULT_BENCH_ROLES } from './link/bench-file.ts';
export { MessageSplitter } from './link/message-splitter.ts';
export { createClock, FastClock, RealtimeClock } from './clock.ts';
export type { BenchClock, ClockMode } from './clock.ts';
export type { SimInstrument, Framing } from './sim-instrument.ts';
export type { MotionSystem, AxisName } from './motion/motion-system.ts';
