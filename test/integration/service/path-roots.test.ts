// The service reads only inside its configured folders: an uploaded sequence never runs a script step, a
// named sequence or bench file outside the roots is refused naming it and the roots, a script module
// outside the script folders is refused, and a symbolic link out of a root counts as outside.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BenchService } from '../../../service/bench-service.ts';

let dir: string;
const services: BenchService[] = [];

const SCRIPT = 'export async function scan() { return { measurements: { peak_dBm: { value: -3, unit: "dBm" } } }; }\n';
const withScript = (module: string) => `sequence: s\nmetadata: { dut: D }\nsteps:\n  - script: { module: ${module}, export: scan }\n`;
const PLAIN = 'sequence: p\nmetadata: { dut: D }\nsteps:\n  - wait: 1s\n';

function service(opts: { roots?: string[]; scriptRoots?: string[] } = {}): BenchService {
  const s = new BenchService({
    runsDir: join(dir, 'runs'), libraryDir: join(dir, 'library'), cwd: join(dir, 'work'), monitor: { enabled: false }, laserWatch: { enabled: false }, ...opts,
  });
  services.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'i14-roots-'));
  for (const d of ['library', 'work', 'scripts', 'outside']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'scripts', 'scan.mts'), SCRIPT);
  writeFileSync(join(dir, 'outside', 'scan.mts'), SCRIPT);
  writeFileSync(join(dir, 'outside', 'plain.yaml'), PLAIN);
  writeFileSync(join(dir, 'outside', 'bench.yaml'), 'instruments: {}\n');
});

afterEach(async () => {
  for (const s of services.splice(0)) await s.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('script steps load only from configured folders', () => {
  it('refuses an uploaded sequence with a script step, saying why and where scripts may live', async () => {
    const r = await service({ scriptRoots: [join(dir, 'scripts')] }).loadSequence({ kind: 'text', name: 'upload.yaml', text: withScript(join(dir, 'scripts', 'scan.mts')) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.message).toMatch(/script steps are refused in an uploaded sequence \(upload\.yaml, sent as text\)/);
    expect(r.issues[0]?.message).toContain(join(dir, 'scripts'));
    expect(r.issues[0]?.line).toBe(4);
  });

  it('refuses to start a run of such an upload (nothing is imported)', async () => {
    const s = service({ scriptRoots: [join(dir, 'scripts')] });
    await s.openBench({ kind: 'sim', seed: 1 });
    await expect(s.startRun({ kind: 'text', name: 'upload.yaml', text: withScript(join(dir, 'scripts', 'scan.mts')) })).rejects.toThrow(/script steps are refused in an uploaded sequence/);
    expect((await s.runState()).phase).toBe('idle');
  });

  it('loads a script from a --scripts folder, and refuses one from elsewhere naming module and folders', async () => {
    writeFileSync(join(dir, 'scripts', 'ok.yaml'), withScript('./scan.mts'));
    writeFileSync(join(dir, 'work', 'far.yaml'), withScript('../outside/scan.mts'));
    const s = service({ roots: [join(dir, 'work'), join(dir, 'scripts')], scriptRoots: [join(dir, 'scripts')] });
    const ok = await s.loadSequence({ kind: 'file', path: join(dir, 'scripts', 'ok.yaml') });
    expect(ok.ok ? [] : ok.issues).toEqual([]);
    const far = await s.loadSequence({ kind: 'file', path: 'far.yaml' });
    expect(far.ok).toBe(false);
    if (far.ok) return;
    expect(far.issues[0]?.field).toMatch(/module$/);
    expect(far.issues[0]?.message).toBe(`script module ${join(dir, 'outside', 'scan.mts')} is outside the folders scripts may load from; expected a module inside ${join(dir, 'library')}, ${join(dir, 'scripts')} (the sequence library or a --scripts folder)`);
  });

  it('refuses a script reached through a symbolic link out of the scripts folder', async () => {
    symlinkSync(join(dir, 'outside', 'scan.mts'), join(dir, 'scripts', 'linked.mts'));
    writeFileSync(join(dir, 'scripts', 'linked.yaml'), withScript('./linked.mts'));
    const r = await service({ roots: [join(dir, 'scripts')], scriptRoots: [join(dir, 'scripts')] }).loadSequence({ kind: 'file', path: join(dir, 'scripts', 'linked.yaml') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.message).toMatch(/linked\.mts is outside the folders scripts may load from/);
  });
});

describe('named paths are read only inside the roots', () => {
  it('refuses a sequence file outside the roots, naming the path and the roots', async () => {
    const r = await service().loadSequence({ kind: 'file', path: join(dir, 'outside', 'plain.yaml') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([{
      file: join(dir, 'outside', 'plain.yaml'), line: 0, col: 0, field: '(file)',
      message: `sequence file ${join(dir, 'outside', 'plain.yaml')} is outside the allowed folders; expected a path inside ${join(dir, 'library')}, ${join(dir, 'work')}`,
    }]);
    // Relative traversal is the same path.
    const up = await service().loadSequence({ kind: 'file', path: '../outside/plain.yaml' });
    expect(up.ok ? '' : up.issues[0]?.message).toMatch(/is outside the allowed folders/);
  });

  it('reads one inside the working folder, but not through a link out of it', async () => {
    writeFileSync(join(dir, 'work', 'plain.yaml'), PLAIN);
    symlinkSync(join(dir, 'outside'), join(dir, 'work', 'out'));
    const s = service();
    expect((await s.loadSequence({ kind: 'file', path: 'plain.yaml' })).ok).toBe(true);
    const r = await s.loadSequence({ kind: 'file', path: 'out/plain.yaml' });
    expect(r.ok ? '' : r.issues[0]?.message).toMatch(/out\/plain\.yaml is outside the allowed folders/);
  });

  it('refuses a bench file outside the roots, for loadSequence and openBench', async () => {
    const s = service();
    writeFileSync(join(dir, 'work', 'plain.yaml'), PLAIN);
    await expect(s.loadSequence({ kind: 'file', path: 'plain.yaml', benchFile: join(dir, 'outside', 'bench.yaml') }))
      .rejects.toThrow(`bench file ${join(dir, 'outside', 'bench.yaml')} is outside the allowed folders; expected a path inside ${join(dir, 'library')}, ${join(dir, 'work')}`);
    await expect(s.openBench({ kind: 'file', path: '/etc/passwd' })).rejects.toThrow(/bench file \/etc\/passwd is outside the allowed folders/);
    expect((await s.benchStatus()).open).toBe(false);
  });

  it('lets a folder the operator chose (desktop file dialog) be read', async () => {
    const s = service();
    s.allowFolder(join(dir, 'outside'));
    expect((await s.loadSequence({ kind: 'file', path: join(dir, 'outside', 'plain.yaml') })).ok).toBe(true);
  });
});
