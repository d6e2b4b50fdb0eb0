// The session layer in one import.
export { ScpiSession } from './scpi-session.ts';
export type { FloatBlockOptions, ResyncRecovery } from './scpi-session.ts';
export { ESP301_DIALECT, PI_GCS_DIALECT, SCPI_DIALECT, SCPI_GATED_DIALECT, DialectReplyError } from './dialect.ts';
export type { InstrumentErrorReport, SessionDialect } from './dialect.ts';
export { resolveSessionOptions } from './session-options.ts';
export type { PerCallOptions, ResolvedSessionOptions, SessionOptions } from './session-options.ts';
