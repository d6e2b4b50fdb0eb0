// The built UI for browser mode: dist/renderer/ (the renderer's Vite build). Built on demand from
// vite.config.ts when it is missing (or when asked), since a fresh checkout has no dist/. A packaged app
// ships the build and has no Vite: then it is used as it is.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_UI_DIR = join(REPO_DIR, 'dist', 'renderer');
export const BUILD_HINT = 'Build it with `npm run build:renderer` (Vite), then reload; `benchctl serve --build` builds it before serving.';

export type BuildPolicy = 'auto' | 'always' | 'never';

export interface UiResult {
  /** The folder to serve, or null when there is no build. */
  dir: string | null;
  /** One line for the console: what is served, or why nothing is. */
  note: string;
}

export function uiBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** The UI folder, building it first when missing ('auto') or always ('always'). Never throws. */
export async function ensureUi(dir: string, policy: BuildPolicy, repoDir = REPO_DIR): Promise<UiResult> {
  const built = uiBuilt(dir);
  if (policy === 'never' || (policy === 'auto' && built)) {
    return built ? { dir, note: `UI: ${dir}` } : { dir: null, note: `UI: not built (${dir} has no index.html). ${BUILD_HINT}` };
  }
  const config = join(repoDir, 'vite.config.ts');
  if (!existsSync(config)) {
    return built ? { dir, note: `UI: ${dir} (no vite.config.ts to rebuild it from)` } : { dir: null, note: `UI: not built, and no vite.config.ts at ${repoDir} to build it from` };
  }
  try {
    const vite = await import('vite');
    await vite.build({ configFile: config, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
    return { dir, note: `UI: ${dir} (built just now from vite.config.ts)` };
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    return built
      ? { dir, note: `UI: ${dir} (the rebuild failed: ${why}; serving the previous build)` }
      : { dir: null, note: `UI: not built; building it failed: ${why}. ${BUILD_HINT}` };
  }
}
