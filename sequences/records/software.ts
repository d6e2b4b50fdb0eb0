// The software identity copied into every record. package.json comes in as a JSON module, so a bundler
// (the Electron build) inlines it instead of the code looking for it on disk next to the bundle.
import pkg from '../../package.json' with { type: 'json' };

export const SOFTWARE = { name: pkg.name, version: pkg.version, node: process.version } as const;
