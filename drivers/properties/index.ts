// The property helper: declared settings (control / measurement / setting), codecs, validators, errors.
export * from './codecs.ts';
export * from './errors.ts';
export * from './number-text.ts';
export * from './property.ts';
export * from './send.ts';
export * from './template.ts';
export * from './validators.ts';
export * from './wait.ts';
export * from './chain.ts';
export * from './identity.ts';
export * from './options.ts';
export * from './safe-state.ts';
export * from './unanswered.ts';
