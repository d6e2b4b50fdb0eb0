// electron/build.ts: the bundles Electron runs. The sandboxed preload must be one CommonJS file needing
// nothing but 'electron'; the main bundle keeps packages (serialport's native addon above all) external.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron, isExternalForMain } from '../../../electron/build.ts';

const out = mkdtempSync(join(tmpdir(), 'g1-electron-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the Electron bundles', () => {
  it('builds a CommonJS preload that requires only electron, and an ES main with packages external', async () => {
    const r = await buildElectron(out);
    const preload = readFileSync(r.preload, 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).toContain('exposeInMainWorld("bench"');
    expect(preload).toContain('"setLaser"');

    const main = readFileSync(r.main, 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).toMatch(/from "serialport"/);
    expect(main).toMatch(/from "ws"|from "zod"/);
    expect(main).not.toMatch(/class SerialPort\b/);
  }, 60_000);

  it('keeps bare package imports and built-ins external, and bundles our own files', () => {
    for (const id of ['electron', 'serialport', '@stdlib/random-base-normal', 'node:fs', 'fs']) expect(isExternalForMain(id)).toBe(true);
    for (const id of ['./bench-service.ts', '../service/x.ts', '/work/main/electron/main.ts', '\0virtual']) expect(isExternalForMain(id)).toBe(false);
  });
});
