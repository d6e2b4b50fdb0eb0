// The SCPI grammar shared by the drivers and the simulator: one import for all of drivers/scpi.
export * from './block.ts';
export * from './errors.ts';
export * from './response.ts';
export * from './message.ts';
export * from './pattern.ts';
export * from './dispatch.ts';
export * from './numeric.ts';
export * from './params.ts';
export * from './format.ts';
