// Where the Electron binary is, or why there is none. The `electron` package's index.js returns the path of
// the binary its install script downloaded, and throws "Electron failed to install correctly" when the
// download never happened (offline machines, `allowScripts` off). Asked in a child-free way: no window opens.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

export function locateElectron(): ElectronBinary {
  let path: unknown;
  try {
    path = createRequire(import.meta.url)('electron');
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
    return { ok: false, reason: /failed to install/i.test(message) ? 'the electron package is installed but its binary was never downloaded' : message };
  }
  if (typeof path !== 'string') return { ok: false, reason: 'the electron package did not give a binary path' };
  if (!existsSync(path)) return { ok: false, reason: `its binary ${path} is missing` };
  return { ok: true, path };
}
