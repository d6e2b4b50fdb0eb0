import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSimArgs } from '../../../cli/sim-command.ts';
import { CliUsageError } from '../../../cli/usage-error.ts';
import { SIM_WAFER_Z_SOFT_MIN_UM } from '../../../sim/link/bench-file.ts';
import { SIM_ROLES } from '../../../sim/virtual-bench.ts';
import { LineClient } from '../../unit/sim/link/line-client.ts';
import { portOf, startSim, type SimProcess } from './sim-process.ts';
import { alive, dial } from './probes.ts';

/** Child processes of `pid` (from /proc), e.g. the socat that benchctl sim spawned. */
function childrenOf(pid: number): Array<{ pid: number; comm: string }> {
  const out: Array<{ pid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), comm });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

describe('benchctl sim (child process)', () => {
  const running: SimProcess[] = [];
  const clients: LineClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stream.destroy();
    for (const p of running.splice(0)) await p.kill();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function start(args: string[]): Promise<SimProcess> {
    const p = await startSim(args);
    running.push(p);
    return p;
  }

  it('serves every role, the ESP301 on a pty, writes the bench file, and stops on SIGINT without leaks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchctl-sim-test-'));
    dirs.push(dir);
    const benchPath = join(dir, 'bench.yaml');
    const sim = await start(['--port-base', '0', '--seed', '5', '--write-bench', benchPath]);
    expect(Object.keys(sim.tcp)).toEqual([...SIM_ROLES]);
    expect(sim.stdout().trimEnd().split('\n').at(-1)).toBe('ready');
    expect(sim.stdout()).toContain(`bench ${benchPath}`);
    const espResource = sim.pty['stage-esp'];
    expect(espResource).toMatch(/^ASRL\/.+\/esp301-client::INSTR$/);
    const ptyPath = (espResource ?? '').replace(/^ASRL/, '').replace(/::INSTR$/, '');
    expect(existsSync(ptyPath)).toBe(true);
    const socats = childrenOf(sim.child.pid ?? -1).filter((c) => c.comm === 'socat');
    expect(socats).toHaveLength(1);

    const meter = await dial(portOf(sim.tcp['meter']));
    clients.push(meter);
    expect(await meter.query('*IDN?\n', 3000)).toMatch(/N77/);

    const bench = parse(readFileSync(benchPath, 'utf8')) as { instruments: Record<string, { resource: string; driver: string }> };
    expect(bench.instruments['laser']).toMatchObject({ resource: sim.tcp['laser'], driver: 'keysight-n777x' });
    expect(bench.instruments['stage']).toMatchObject({ resource: sim.tcp['stage-pi'], driver: 'pi-gcs', options: { trigger_output: 1 } });
    expect(readFileSync(benchPath, 'utf8')).toContain(`resource: ${espResource}`);

    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
    expect(existsSync(ptyPath)).toBe(false);
    expect(existsSync(dirname(ptyPath))).toBe(false);
    for (const s of socats) expect(alive(s.pid), `socat ${s.pid} still running`).toBe(false);
    for (const resource of Object.values(sim.tcp)) await expect(dial(portOf(resource))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('--world wafer serves the wafer world and writes a bench file with the wafer\'s Z soft limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchctl-sim-wafer-'));
    dirs.push(dir);
    const benchPath = join(dir, 'bench.yaml');
    const sim = await start(['--port-base', '0', '--no-pty', '--world', 'wafer', '--write-bench', benchPath]);
    expect(sim.stdout()).toContain('world: wafer (20 × 20 dies)');
    const text = readFileSync(benchPath, 'utf8');
    expect(text).toContain('benchctl sim --seed 1 --world wafer');
    const bench = parse(text) as { name: string; instruments: Record<string, { axes: Record<string, { min_um: number }> }> };
    expect(bench.name).toBe('simulated wafer bench (seed 1)');
    expect(bench.instruments['stage']?.axes['Z']?.min_um).toBe(SIM_WAFER_Z_SOFT_MIN_UM);
    const meter = await dial(portOf(sim.tcp['meter']));
    clients.push(meter);
    expect(await meter.query('*IDN?\n', 3000)).toMatch(/N77/);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });

  it('stops on SIGTERM with exit code 0; --no-pty serves no pty and says so', async () => {
    const sim = await start(['--port-base', '0', '--no-pty']);
    expect(sim.pty).toEqual({});
    expect(sim.stdout()).toContain('serial pty: off (--no-pty)');
    expect(childrenOf(sim.child.pid ?? -1).filter((c) => c.comm === 'socat')).toEqual([]);
    const esp = await dial(portOf(sim.tcp['stage-esp']));
    clients.push(esp);
    expect(await new LineClient(esp.stream, '\r\n').query('VE?\r', 3000)).toMatch(/ESP301/);
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
  });

  it('exits 2 naming the role and port when a port is taken, leaving nothing behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const err = await startSim(['--port-base', String(port)]).then(
        (p) => {
          running.push(p);
          return new Error('started although its first port was taken');
        },
        (e: Error) => e,
      );
      expect(err.message).toMatch(/exited \(2\) before 'ready'/);
      expect(err.message).toContain(`serving 'meter' on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('exits 2 naming the file when the bench file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchctl-sim-wb-'));
    dirs.push(dir);
    const target = join(dir, 'no-such-folder', 'bench.yaml');
    const err = await startSim(['--port-base', '0', '--no-pty', '--write-bench', target]).then(
      (p) => {
        running.push(p);
        return new Error('started although the bench file could not be written');
      },
      (e: Error) => e,
    );
    expect(err.message).toMatch(/exited \(2\) before 'ready'/);
    expect(err.message).toContain(`benchctl sim: --write-bench: cannot write the bench file '${target}': ENOENT`);
    expect(err.message).not.toMatch(/^ready$/m);
  });

  it('exits 2 with the usage on a bad option', async () => {
    const err = await startSim(['--port-base', 'abc']).then(
      () => new Error('started'),
      (e: Error) => e,
    );
    expect(err.message).toContain("--port-base expects an integer 0-65525, got 'abc'");
    expect(err.message).toContain('Usage: benchctl sim');
  });
});

describe('parseSimArgs', () => {
  it('has defaults', () => {
    const opts = parseSimArgs([]);
    expect(opts).toMatchObject({
      portBase: 5025, seed: 1, world: 'chip', realtime: false, writeBench: undefined, pty: true, drift_um_per_h: undefined, vxi11: false, portmapperPort: 111, usbtmc: false,
    });
    // benchctl sim times its links like a LAN bench unless told otherwise.
    expect(opts !== 'help' && opts.timing.name).toBe('lan');
  });

  it('reads every option', () => {
    expect(parseSimArgs(['--port-base', '0', '--seed', '9', '--realtime', '--write-bench', 'b.yaml', '--no-pty', '--drift', '2.5', '--timing', 'serial',
      '--vxi11', '--portmapper-port', '0', '--usbtmc'])).toMatchObject({
      portBase: 0,
      seed: 9,
      realtime: true,
      writeBench: 'b.yaml',
      pty: false,
      drift_um_per_h: 2.5,
      vxi11: true,
      portmapperPort: 0,
      usbtmc: true,
      timing: { name: 'serial' },
    });
    expect(parseSimArgs(['-h'])).toBe('help');
    expect(parseSimArgs(['--world', 'wafer'])).toMatchObject({ world: 'wafer' });
    expect(parseSimArgs(['--world=chip'])).toMatchObject({ world: 'chip' });
  });

  it('refuses bad values and unknown options with a CliUsageError naming the option', () => {
    expect(() => parseSimArgs(['--port-base', '65530'])).toThrow("--port-base expects an integer 0-65525, got '65530'");
    expect(() => parseSimArgs(['--seed', '1.5'])).toThrow("--seed expects an integer 0-4294967295, got '1.5'");
    expect(() => parseSimArgs(['--drift=-1'])).toThrow("--drift expects a number of µm per hour ≥ 0, got '-1'");
    expect(() => parseSimArgs(['--write-bench', ''])).toThrow('--write-bench expects a file path');
    expect(() => parseSimArgs(['--timing', ''])).toThrow('--timing expects ideal, lan, serial or a profile file');
    expect(() => parseSimArgs(['--world', 'Wafer'])).toThrow("--world expects chip or wafer, got 'Wafer'");
    expect(() => parseSimArgs(['--world', ''])).toThrow("--world expects chip or wafer, got ''");
    expect(() => parseSimArgs(['--timing', '/nonexistent/profile.yaml'])).toThrow(/--timing: \/nonexistent\/profile.yaml: cannot read the timing profile/);
    expect(() => parseSimArgs(['--bogus'])).toThrow(CliUsageError);
    expect(() => parseSimArgs(['--bogus'])).toThrow(/--bogus/);
    expect(() => parseSimArgs(['extra'])).toThrow(CliUsageError);
  });
});
