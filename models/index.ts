// Everything models/ offers, for the sequencer and the renderer. Pure functions, no I/O, no Node built-ins.
export * from './units.ts';
export { ModelInputError } from './errors.ts';
export * from './coupling.ts';
export * from './grating.ts';
export * from './link-budget.ts';
export * from './ber.ts';
export * from './receiver.ts';
export * from './confidence.ts';
export * from './fits/index.ts';
