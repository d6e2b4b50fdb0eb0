// `benchctl sim`: the virtual bench on loopback TCP ports (and the ESP301 on a serial pty), until SIGINT/SIGTERM.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { simBenchFileYaml } from '../sim/link/bench-file.ts';
import { DEFAULT_PORT_BASE } from '../sim/link/link-hub.ts';
import { socatAvailable, type PtyEndpoint } from '../sim/link/pty-server.ts';
import { SIM_ROLES, VirtualBench } from '../sim/virtual-bench.ts';
import { resolveTimingOption } from '../sim/timing/timing-file.ts';
import type { TimingProfile } from '../sim/timing/timing-profile.ts';
import type { CliCommand } from './command.ts';
import { CliUsageError } from './usage-error.ts';
import { table } from './text-table.ts';

const PTY_ROLE = 'stage-esp';

const USAGE = `Usage: benchctl sim [--port-base N] [--seed N] [--world chip|wafer] [--realtime] [--write-bench FILE] [--no-pty]
                    [--drift UM_PER_H] [--timing ideal|lan|serial|FILE]
                    [--vxi11] [--portmapper-port N] [--usbtmc]

Serves every simulated instrument on 127.0.0.1, one TCP port per role from --port-base upward in this order:
  ${SIM_ROLES.map((r, i) => `${r}=${DEFAULT_PORT_BASE + i}`).join(' ')}
and the ESP301 stage also on a serial pty (needs socat). Stops on Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port-base N       first TCP port (default ${DEFAULT_PORT_BASE}); 0 = an ephemeral port per role
  --seed N            seed of the hidden world (default 1)
  --world chip|wafer  what lies under the fiber array: chip (default; four loopback sites around 12 500 µm)
                      or wafer (20 × 20 dies C00R00-C19R19 at 1000 µm pitch from (3000, 3000) µm, sites A-D;
                      sim/world/README.md, "The wafer world")
  --realtime          operations take their real time (default: fast virtual clock)
  --write-bench FILE  write a bench file for these resources (laser=Keysight, stage=PI GCS with its trigger cabled to the meter; alternates commented)
  --no-pty            do not serve the ESP301 on a pty
  --drift UM_PER_H    drift of the chip's optimum, µm per hour (default: the world's)
  --timing PROFILE    exchange, meter and servo timing: lan (default; LAN instruments, ESP301 on USB),
                      serial (the ESP301 on RS-232 at 19200 baud), ideal (a constant 0.2 ms per exchange),
                      or a YAML/JSON profile file (format: sim/README.md, "Timing profiles")
  --vxi11             also serve meter, laser and voa over VXI-11 as inst0, inst1, inst2
                      (TCPIP0::127.0.0.1::inst0::INSTR), with a portmapper
  --portmapper-port N where the portmapper listens (default 111, what lxi-tools and pyvisa-py ask; when 111
                      cannot be bound, not root or taken, an ephemeral port, said in the output)
  --usbtmc            also serve a Thorlabs PM100D through a USBTMC stand-in (a pty; needs socat)
  -h, --help          this text

Output: a table, then one line per role 'role <role> <resource>' (TCP), 'pty <role> <resource>' for the
serial pty, 'vxi11 <role> <resource> portmapper <port>' and 'usbtmc <resource> <device>' when asked for,
and 'ready' once everything is listening.`;

export interface SimCommandOptions {
  portBase: number;
  seed: number;
  world: 'chip' | 'wafer';
  realtime: boolean;
  writeBench: string | undefined;
  pty: boolean;
  drift_um_per_h: number | undefined;
  vxi11: boolean;
  portmapperPort: number;
  usbtmc: boolean;
  timing: TimingProfile;
}

function integerOption(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new CliUsageError(`--${name} expects an integer ${min}-${max}, got '${text}'`);
  }
  return n;
}

/** Parses argv after `sim`; returns 'help' for -h/--help. Throws CliUsageError on bad input. */
export function parseSimArgs(args: string[]): SimCommandOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'port-base': { type: 'string' },
        seed: { type: 'string' },
        world: { type: 'string' },
        realtime: { type: 'boolean' },
        'write-bench': { type: 'string' },
        'no-pty': { type: 'boolean' },
        drift: { type: 'string' },
        vxi11: { type: 'boolean' },
        'portmapper-port': { type: 'string' },
        usbtmc: { type: 'boolean' },
        timing: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  let drift: number | undefined;
  if (v.drift !== undefined) {
    drift = Number(v.drift);
    if (v.drift.trim() === '' || !Number.isFinite(drift) || drift < 0) {
      throw new CliUsageError(`--drift expects a number of µm per hour ≥ 0, got '${v.drift}'`);
    }
  }
  if (v.world !== undefined && v.world !== 'chip' && v.world !== 'wafer') throw new CliUsageError(`--world expects chip or wafer, got '${v.world}'`);
  if (v['write-bench'] !== undefined && v['write-bench'].trim() === '') throw new CliUsageError('--write-bench expects a file path');
  if (v.timing !== undefined && v.timing.trim() === '') throw new CliUsageError('--timing expects ideal, lan, serial or a profile file');
  let timing: TimingProfile;
  try {
    timing = resolveTimingOption(v.timing ?? 'lan', SIM_ROLES);
  } catch (err) {
    throw new CliUsageError(`--timing: ${(err as Error).message}`);
  }
  return {
    portBase: v['port-base'] === undefined ? DEFAULT_PORT_BASE : integerOption('port-base', v['port-base'], 0, 65535 - (SIM_ROLES.length - 1)),
    seed: v.seed === undefined ? 1 : integerOption('seed', v.seed, 0, 2 ** 32 - 1),
    world: v.world ?? 'chip',
    realtime: v.realtime ?? false,
    writeBench: v['write-bench'],
    pty: !v['no-pty'],
    drift_um_per_h: drift,
    vxi11: v.vxi11 ?? false,
    portmapperPort: v['portmapper-port'] === undefined ? 111 : integerOption('portmapper-port', v['portmapper-port'], 0, 65535),
    usbtmc: v.usbtmc ?? false,
    timing,
  };
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM, until cancelled. */
function watchSignals(): { signal: Promise<NodeJS.Signals>; cancel(): void } {
  let on: (signal: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  const signal = new Promise<NodeJS.Signals>((resolveSignal) => {
    on = (s) => {
      cancel();
      resolveSignal(s);
    };
  });
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { signal, cancel };
}

export async function runSim(opts: SimCommandOptions, out: (text: string) => void): Promise<number> {
  const bench = new VirtualBench({
    seed: opts.seed, world: opts.world, mode: opts.realtime ? 'realtime' : 'fast', drift_um_per_h: opts.drift_um_per_h, timing: opts.timing,
  });
  // Listen for signals before anything is served, so a signal during start-up still cleans up.
  const stop = watchSignals();
  try {
    const served = await bench.serveTcp({ portBase: opts.portBase });
    let pty: PtyEndpoint | undefined;
    let ptyNote: string;
    if (!opts.pty) ptyNote = 'serial pty: off (--no-pty); the ESP301 stage is on TCP only';
    else if (!socatAvailable()) ptyNote = 'serial pty: socat is not installed, so the ESP301 stage is on TCP only (apt-get install socat)';
    else {
      try {
        pty = await bench.servePty(PTY_ROLE);
        ptyNote = `serial pty: the ESP301 stage is at ${pty.path} (any baud rate; CR in, CR LF out)`;
      } catch (err) {
        ptyNote = `serial pty: could not be made (${(err as Error).message}); the ESP301 stage is on TCP only`;
      }
    }
    const rows = [['role', 'resource', 'instrument']];
    for (const e of served.endpoints) rows.push([e.role, e.resource, bench.instrument(e.role).identity]);
    if (pty) rows.push([PTY_ROLE, pty.resource, `${bench.instrument(PTY_ROLE).identity} (serial pty)`]);
    out(
      `benchctl sim: virtual bench, seed ${opts.seed}, ${opts.world === 'wafer' ? 'world: wafer (20 × 20 dies), ' : ''}timing: ${opts.timing.name}, ${opts.realtime ? 'real-time clock (operations take their real time)' : 'fast clock (waiting is free; bench time advances as instruments spend it)'}\n` +
        table(rows) +
        `${ptyNote}\nlistening on 127.0.0.1 only. Ctrl-C stops.\n`,
    );
    for (const e of served.endpoints) out(`role ${e.role} ${e.resource}\n`);
    if (pty) out(`pty ${PTY_ROLE} ${pty.resource}\n`);
    if (opts.vxi11) await serveVxi11(bench, opts.portmapperPort, out);
    if (opts.usbtmc) {
      const usb = await bench.serveUsbtmc();
      out(`USBTMC: a Thorlabs PM100D at ${usb.devicePath} (a pty standing in for /dev/usbtmc0); bench file: resource ${usb.resource}, usbtmc_device ${usb.devicePath}\n`);
      out(`usbtmc ${usb.resource} ${usb.devicePath}\n`);
    }
    if (opts.writeBench) {
      const path = resolve(opts.writeBench);
      const tcp = Object.fromEntries(served.endpoints.map((e) => [e.role, e.resource]));
      const yaml = simBenchFileYaml({ seed: opts.seed, world: opts.world, mode: opts.realtime ? 'realtime' : 'fast', tcp, ...(pty ? { serial: { [PTY_ROLE]: pty.resource } } : {}) });
      await writeFile(path, yaml, 'utf8').catch((err: Error) => {
        throw new Error(`--write-bench: cannot write the bench file '${path}': ${err.message}`, { cause: err });
      });
      out(`bench ${path}\n`);
    }
    out('ready\n');
    const signal = await stop.signal;
    process.stderr.write(`benchctl sim: ${signal}, stopping\n`);
    return 0;
  } finally {
    stop.cancel();
    await bench.close();
  }
}

/** VXI-11 on the port asked for; when it is 111 and cannot be had, on an ephemeral one, saying so. */
async function serveVxi11(bench: VirtualBench, port: number, out: (text: string) => void): Promise<void> {
  let ep;
  try {
    ep = await bench.serveVxi11({ portmapperPort: port });
  } catch (err) {
    if (port !== 111) throw err;
    ep = await bench.serveVxi11({ portmapperPort: 0 });
    out(`VXI-11: port 111 is not available (${(err as Error).message}); the portmapper is on ${ep.portmapperPort}, ` +
      `which lxi-tools cannot use (it asks 111 only); bench files give it as portmapper_port\n`);
  }
  out(`VXI-11: core channel on 127.0.0.1:${ep.port}, portmapper on 127.0.0.1:${ep.portmapperPort}\n`);
  for (const [device, role] of Object.entries(ep.devices)) out(`vxi11 ${role} TCPIP0::127.0.0.1::${device}::INSTR portmapper ${ep.portmapperPort}\n`);
}

export const simCommand: CliCommand = {
  summary: 'serve the simulated bench on loopback TCP ports (and the ESP301 on a serial pty)',
  usage: USAGE,
  async run(args) {
    const opts = parseSimArgs(args);
    if (opts === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return runSim(opts, (text) => process.stdout.write(text));
  },
};
