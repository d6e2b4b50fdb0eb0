// The wafer map path check a service applies to the sequences it loads: inside the roots, lexically and
// after following links; a relative path looked up in each folder in turn; the CLI's policy reads anywhere.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveMapPath, type MapPolicy } from '../../../../sequences/wafer/map-path.ts';

let dir: string;
let lib: string;
let maps: string;
let work: string;
let outside: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'v15r-map-path-'));
  lib = join(dir, 'library');
  maps = join(lib, 'maps');
  work = join(dir, 'work');
  outside = join(dir, 'outside');
  for (const d of [maps, join(work, 'maps'), outside]) mkdirSync(d, { recursive: true });
  writeFileSync(join(maps, 'wafer-a.csv'), 'die\n');
  writeFileSync(join(lib, 'other.yaml'), 'sequence: x\n');
  writeFileSync(join(work, 'maps', 'local.csv'), 'die\n');
  writeFileSync(join(outside, 'secret.csv'), 'die\n');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function uploaded(): MapPolicy {
  return { kind: 'roots', roots: [maps, work], lookIn: [work, lib], reason: 'an uploaded sequence (x.yaml, sent as text)' };
}

describe('resolveMapPath', () => {
  it('reads anywhere under the CLI policy, relative to the sequence folder', () => {
    expect(resolveMapPath('../outside/secret.csv', work, { kind: 'any' })).toEqual({ ok: true, file: join(outside, 'secret.csv') });
  });

  it('finds an uploaded sequence\'s relative map in the service folder first, then the library', () => {
    expect(resolveMapPath('maps/local.csv', work, uploaded())).toEqual({ ok: true, file: join(work, 'maps', 'local.csv') });
    expect(resolveMapPath('maps/wafer-a.csv', work, uploaded())).toEqual({ ok: true, file: join(maps, 'wafer-a.csv') });
    expect(resolveMapPath(join(maps, 'wafer-a.csv'), work, uploaded())).toEqual({ ok: true, file: join(maps, 'wafer-a.csv') });
  });

  it('refuses ../ out of the roots and absolute paths outside them, naming the map and the allowed folders', () => {
    for (const map of ['../outside/secret.csv', '../../../../../../etc/hosts.csv', join(outside, 'secret.csv')]) {
      const r = resolveMapPath(map, work, uploaded());
      expect(r.ok, map).toBe(false);
      if (r.ok) continue;
      expect(r.message).toContain(`wafer map ${map} (`);
      expect(r.message).toContain('outside the folders maps may be read from in an uploaded sequence (x.yaml, sent as text)');
      expect(r.message).toContain(`expected a map inside ${maps}, ${work}`);
    }
  });

  it('refuses library files outside its maps folder, and ../ that leaves the maps folder', () => {
    expect(resolveMapPath('other.yaml', work, uploaded()).ok).toBe(false);
    expect(resolveMapPath('maps/../other.yaml', work, uploaded()).ok).toBe(false);
    // A `..` that stays inside a root is only a path.
    expect(resolveMapPath('maps/../maps/local.csv', work, uploaded())).toEqual({ ok: true, file: join(work, 'maps', 'local.csv') });
  });

  it('refuses a symbolic link inside a root that leads out of it (file or folder)', () => {
    symlinkSync(join(outside, 'secret.csv'), join(work, 'maps', 'link.csv'));
    symlinkSync(outside, join(work, 'out'));
    expect(resolveMapPath('maps/link.csv', work, uploaded())).toMatchObject({ ok: false, message: expect.stringContaining('wafer map maps/link.csv') });
    expect(resolveMapPath('out/secret.csv', work, uploaded()).ok).toBe(false);
  });

  it('says where it looked when the map is in none of the folders, without testing paths outside the roots', () => {
    const r = resolveMapPath('maps/none.csv', work, uploaded());
    expect(r).toEqual({ ok: false, message: `no such wafer map maps/none.csv; looked for ${join(work, 'maps', 'none.csv')}, ${join(lib, 'maps', 'none.csv')}; expected a .csv or .yaml file` });
  });

  it('resolves a file-loaded sequence\'s map relative to its own folder, checked against the roots', () => {
    const policy: MapPolicy = { kind: 'roots', roots: [maps, work], reason: 'a sequence loaded by the service (w.yaml)' };
    expect(resolveMapPath('local.csv', join(work, 'maps'), policy)).toEqual({ ok: true, file: join(work, 'maps', 'local.csv') });
    expect(resolveMapPath('../../outside/secret.csv', join(work, 'maps'), policy)).toMatchObject({ ok: false, message: expect.stringContaining('in a sequence loaded by the service (w.yaml)') });
  });
});
