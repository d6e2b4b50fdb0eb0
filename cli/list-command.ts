// `benchctl list`: the serial ports this machine has and, with a bench file, each role with its resource,
// driver and identity (or why it did not answer). Identification only asks; it changes nothing.
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { detectDriver, identifyCommand } from '../drivers/bench/auto-detect.ts';
import { loadBenchFile } from '../drivers/bench/bench-file.ts';
import type { BenchInstrumentConfig } from '../drivers/bench/bench-file.ts';
import { getDriver } from '../drivers/bench/registry.ts';
import { openResource } from '../drivers/open-resource.ts';
import { SYSFS_USBMISC, hexId, listUsbtmcDevices, usbtmcResource } from '../drivers/transport/usbtmc-devices.ts';
import type { CliCommand } from './command.ts';
import { CliUsageError } from './usage-error.ts';
import { table } from './text-table.ts';

const USAGE = `Usage: benchctl list [--bench FILE] [--timeout MS] [--usbtmc-sysfs DIR]

Lists the serial ports (with their ASRL resource strings), the USBTMC instruments the Linux usbtmc driver
has (with their USB resource strings), and, with --bench, every role of the bench file
with its resource, driver and identity (*IDN?, or VE? for an ESP301), or the error if it does not answer.
Exit code 2 when a role does not answer.

Options:
  --bench FILE    identify the instruments of this bench file
  --timeout MS    reply timeout per instrument (default: the bench file's, else the driver's;
                  each auto-detection probe 1000)
  --usbtmc-sysfs DIR
                  where the usbtmc driver lists its devices (default ${SYSFS_USBMISC})
  -h, --help      this text`;

export interface RoleListing {
  role: string;
  resource: string;
  driver: string;
  identity?: string;
  error?: string;
}

/** Identifies one role of a bench file: auto-detection for `driver: auto`, else the driver's identify query. */
export async function identifyRole(entry: BenchInstrumentConfig, timeout_ms?: number): Promise<RoleListing> {
  const session = { ...entry.session, ...(timeout_ms !== undefined ? { timeout_ms } : {}) };
  const base = { role: entry.role, resource: entry.resource };
  try {
    if (entry.driver === 'auto') {
      const found = await detectDriver(entry.resource, { session });
      return { ...base, driver: `auto → ${found.driver.name}`, identity: found.identity };
    }
    const descriptor = getDriver(entry.driver);
    const s = await openResource(entry.resource, { ...descriptor.sessionDefaults, ...session });
    try {
      return { ...base, driver: entry.driver, identity: (await s.query(identifyCommand(entry.driver))).trim() };
    } finally {
      await s.close();
    }
  } catch (err) {
    return { ...base, driver: entry.driver, error: (err as Error).message };
  }
}

async function serialPorts(): Promise<string> {
  let ports: Awaited<ReturnType<typeof SerialPort.list>>;
  try {
    ports = await SerialPort.list();
  } catch (err) {
    return `Serial ports: could not be listed (${(err as Error).message})\n`;
  }
  if (ports.length === 0) return 'Serial ports: none found\n';
  const rows = [['port', 'resource', 'description']];
  for (const p of ports) {
    const usb = p.vendorId && p.productId ? `USB ${p.vendorId}:${p.productId}` : '';
    const about = [p.manufacturer, p.serialNumber ? `serial ${p.serialNumber}` : '', usb].filter(Boolean).join(', ');
    rows.push([p.path, `ASRL${p.path}::INSTR`, about]);
  }
  return `Serial ports:\n${table(rows)}`;
}

async function usbtmcDevices(sysfs: string): Promise<string> {
  const devices = await listUsbtmcDevices({ sysfs });
  if (devices.length === 0) return `USBTMC devices: none found in ${sysfs} (none plugged in, or the usbtmc module not loaded)\n`;
  const rows = [['device', 'resource', 'description']];
  for (const d of devices) {
    const about = [d.manufacturer, d.product, `USB ${hexId(d.vendorId)}:${hexId(d.productId)}`].filter(Boolean).join(', ');
    rows.push([d.path, usbtmcResource(d), about]);
  }
  return `USBTMC devices:\n${table(rows)}`;
}

export const listCommand: CliCommand = {
  summary: 'list serial ports and, with --bench, identify each instrument of a bench file',
  usage: USAGE,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          bench: { type: 'string' }, timeout: { type: 'string' }, 'usbtmc-sysfs': { type: 'string' }, help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (err) {
      throw new CliUsageError((err as Error).message);
    }
    const v = parsed.values;
    if (v.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    let timeout_ms: number | undefined;
    if (v.timeout !== undefined) {
      timeout_ms = Number(v.timeout);
      if (v.timeout.trim() === '' || !Number.isInteger(timeout_ms) || timeout_ms < 1) {
        throw new CliUsageError(`--timeout expects a number of milliseconds ≥ 1, got '${v.timeout}'`);
      }
    }
    process.stdout.write(await serialPorts());
    process.stdout.write(await usbtmcDevices(v['usbtmc-sysfs'] ?? SYSFS_USBMISC));
    if (v.bench === undefined) return 0;
    const config = await loadBenchFile(v.bench);
    const listings = await Promise.all(config.instruments.map((e) => identifyRole(e, timeout_ms)));
    const rows = [['role', 'resource', 'driver', 'identity']];
    for (const l of listings) rows.push([l.role, l.resource, l.driver, l.identity ?? `error: ${l.error}`]);
    process.stdout.write(`\nBench '${config.name}' (${v.bench}):\n${table(rows)}`);
    return listings.some((l) => l.error !== undefined) ? 2 : 0;
  },
};
