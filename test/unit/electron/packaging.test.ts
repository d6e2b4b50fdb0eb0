// electron-builder.yml, read as electron-builder would: the targets the issue asks for, the bundled main as
// the entry, serialport's native addon unpacked from the asar, and the fuses that take Node's back doors
// out of the shipped binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const targets = (platform: string) => (config[platform] as { target: string[] }).target;

describe('electron-builder.yml', () => {
  it('builds AppImage and deb, NSIS and dmg from the bundled main, with the UI and the sequence library', () => {
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac')).toEqual(['dmg']);
    expect((config['extraMetadata'] as { main: string }).main).toBe('dist/electron/main.mjs');
    expect(config['files']).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'sequences/library/**', 'package.json']));
  });

  it('unpacks serialport\'s native addon from the asar', () => {
    expect(config['asar']).toBe(true);
    expect(config['asarUnpack']).toEqual(expect.arrayContaining(['node_modules/@serialport/bindings-cpp/**', '**/*.node']));
  });

  it('flips the fuses: no run-as-node, no NODE_OPTIONS or --inspect, app only from an integrity-checked asar', () => {
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
