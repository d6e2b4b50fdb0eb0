// USBTMC instruments the Linux `usbtmc` kernel driver has bound, as sysfs lists them: every
// /sys/class/usbmisc/usbtmcN is one instrument, its `device` link points at the USBTMC interface, and that
// interface's parent is the USB device with `idVendor`, `idProduct`, `serial`, `manufacturer`, `product`.
// The character device is /dev/usbtmcN. The roots are parameters so tests can lay out a tree of their own.
import { readFile, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';

export const SYSFS_USBMISC = '/sys/class/usbmisc';
export const DEV_ROOT = '/dev';

export interface UsbtmcDevice {
  /** e.g. /dev/usbtmc0 */
  path: string;
  vendorId: number;
  productId: number;
  /** '' when the device reports none. */
  serial: string;
  manufacturer: string;
  product: string;
}

export interface UsbtmcRoots {
  sysfs?: string;
  dev?: string;
}

async function attribute(dir: string, name: string): Promise<string> {
  try {
    return (await readFile(path.join(dir, name), 'utf8')).trim();
  } catch {
    return '';
  }
}

/** Every usbtmc device sysfs lists, in name order; [] when the class directory is absent (no driver loaded). */
export async function listUsbtmcDevices(roots: UsbtmcRoots = {}): Promise<UsbtmcDevice[]> {
  const sysfs = roots.sysfs ?? SYSFS_USBMISC;
  const dev = roots.dev ?? DEV_ROOT;
  let names: string[];
  try {
    names = (await readdir(sysfs)).filter((n) => /^usbtmc\d+$/.test(n)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  } catch {
    return [];
  }
  const out: UsbtmcDevice[] = [];
  for (const name of names) {
    let usbDevice: string;
    try {
      usbDevice = path.dirname(await realpath(path.join(sysfs, name, 'device')));
    } catch {
      continue; // unplugged between the listing and the look
    }
    const vendorId = parseInt(await attribute(usbDevice, 'idVendor'), 16);
    const productId = parseInt(await attribute(usbDevice, 'idProduct'), 16);
    if (!Number.isFinite(vendorId) || !Number.isFinite(productId)) continue;
    out.push({
      path: path.join(dev, name), vendorId, productId, serial: await attribute(usbDevice, 'serial'),
      manufacturer: await attribute(usbDevice, 'manufacturer'), product: await attribute(usbDevice, 'product'),
    });
  }
  return out;
}

export function hexId(v: number): string {
  return `0x${v.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The VISA resource string of a listed device. */
export function usbtmcResource(d: UsbtmcDevice): string {
  return `USB0::${hexId(d.vendorId)}::${hexId(d.productId)}::${d.serial}::INSTR`;
}

/** The device with these ids and serial (serials compared as given, as VISA does), or a message saying what was found. */
export async function findUsbtmcDevice(vendorId: number, productId: number, serial: string,
  roots: UsbtmcRoots = {}): Promise<{ device: UsbtmcDevice } | { problem: string }> {
  const all = await listUsbtmcDevices(roots);
  const match = all.find((d) => d.vendorId === vendorId && d.productId === productId && d.serial === serial);
  if (match) return { device: match };
  const wanted = `${hexId(vendorId)}::${hexId(productId)}::${serial}`;
  if (all.length === 0) {
    return { problem: `no USBTMC device ${wanted}: the usbtmc kernel driver lists no devices in ${roots.sysfs ?? SYSFS_USBMISC} (is the instrument plugged in and the usbtmc module loaded?)` };
  }
  return { problem: `no USBTMC device ${wanted}; the usbtmc driver has ${all.map(usbtmcResource).join(', ')}` };
}
