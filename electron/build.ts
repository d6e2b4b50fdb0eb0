// Builds the Electron main process and preload from TypeScript with Vite (a declared dev dependency):
//   dist/electron/main.mjs    ES module for the main process; every package stays an external import
//                             from node_modules (serialport's native module, ws, zod, yaml, ...), so
//                             electron-builder packs them and unpacks serialport from the asar.
//   dist/electron/preload.cjs one CommonJS file with nothing external but 'electron': a sandboxed
//                             preload can require nothing else and cannot load ES modules.
// Run by `benchctl start` before launching Electron, or by hand: node bin/run-ts.js electron/build.ts
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = fileURLToPath(new URL('../', import.meta.url));
export const ELECTRON_OUT_DIR = join(REPO_DIR, 'dist', 'electron');

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Bare package imports (not relative, not absolute) stay external in the main bundle. */
export function isExternalForMain(id: string): boolean {
  if (id === 'electron' || NODE_BUILTINS.has(id)) return true;
  return !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);
}

export interface ElectronBuildResult {
  main: string;
  preload: string;
}

export async function buildElectron(outDir = ELECTRON_OUT_DIR): Promise<ElectronBuildResult> {
  const { build } = await import('vite');
  const common = { configFile: false as const, root: REPO_DIR, logLevel: 'warn' as const, publicDir: false as const };
  await build({
    ...common,
    build: {
      outDir, emptyOutDir: false, target: 'node22', minify: false, sourcemap: true,
      ssr: join(REPO_DIR, 'electron', 'main.ts'),
      rollupOptions: { external: isExternalForMain, output: { format: 'es', entryFileNames: 'main.mjs' } },
    },
  });
  await build({
    ...common,
    build: {
      outDir, emptyOutDir: false, target: 'chrome120', minify: false, sourcemap: false,
      lib: { entry: join(REPO_DIR, 'electron', 'preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
      rollupOptions: { external: ['electron'] },
    },
  });
  return { main: join(outDir, 'main.mjs'), preload: join(outDir, 'preload.cjs') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildElectron();
  process.stdout.write(`built ${r.main}\nbuilt ${r.preload}\n`);
}
