// The software identity copied into every record.
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string };

export const SOFTWARE = { name: pkg.name, version: pkg.version, node: process.version } as const;
