// The software identity in every record comes from package.json as a JSON module: bundled (as the Electron
// build bundles the service), the version is inlined, with no package.json looked up beside the bundle.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { SOFTWARE } from '../../../sequences/records/software.ts';

const PKG = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('SOFTWARE', () => {
  it("names the package and its version, and the Node that runs it", () => {
    expect(SOFTWARE).toEqual({ name: PKG.name, version: PKG.version, node: process.version });
  });

  it('still knows its version bundled into a folder with no package.json anywhere above it', async () => {
    const out = await build({
      entryPoints: [new URL('../../../sequences/records/software.ts', import.meta.url).pathname],
      bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/createRequire|require\(/);
    dir = mkdtempSync(join(tmpdir(), 'software-bundle-'));
    const file = join(dir, 'bundle.mjs');
    writeFileSync(file, code);
    const bundled = (await import(pathToFileURL(file).href)) as { SOFTWARE: typeof SOFTWARE };
    expect(bundled.SOFTWARE.version).toBe(PKG.version);
    expect(bundled.SOFTWARE.name).toBe(PKG.name);
  });
});
