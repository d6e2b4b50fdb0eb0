#!/usr/bin/env node
// benchctl entry point: TypeScript sources run through tsx's loader, so `npx benchctl` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
