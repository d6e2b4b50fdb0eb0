// The simulator's SCPI instrument base, for every simulated SCPI instrument (optics and stages).
export { ScpiInstrument, SCPI_FRAMING, DEFAULT_COMMAND_LATENCY_S } from './scpi-instrument.ts';
export type { ScpiInstrumentOptions } from './scpi-instrument.ts';
export { ErrorQueue, NO_ERROR_ENTRY, DEFAULT_ERROR_QUEUE_CAPACITY } from './error-queue.ts';
export type { QueuedError } from './error-queue.ts';
export { StatusRegisters, EsrBit, StbBit, esrBitForError } from './status.ts';
export { params, param, noParams, suffix, numericQuery, settingHandlers } from './args.ts';
export type { NumericLimits, SettingHandlers } from './args.ts';
