// A USBTMC instrument without USB: a stand-in for what the Linux usbtmc driver gives a program. The
// instrument is served on a raw pty (servePty: socat), whose client end takes the place of /dev/usbtmcN,
// and a sysfs tree in a temp folder lists it the way /sys/class/usbmisc does (idVendor, idProduct, serial,
// manufacturer, product of the USB device above the interface), with dev/usbtmc0 linking to the pty.
// How close the pty comes: one write() carries one message in, and a read() blocks until reply bytes
// arrive, as on the driver. Unlike the driver it has no read timeout (the client's own timer covers it) and
// a long reply may arrive in several reads (the client reads again until its terminator).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstrumentHost } from './instrument-host.ts';
import { servePty } from './pty-server.ts';

export interface UsbIdentity {
  vendorId: number;
  productId: number;
  serial: string;
  manufacturer: string;
  product: string;
}

export interface UsbtmcStandIn {
  readonly role: string;
  /** `USB0::0x1313::0x8078::<serial>::INSTR` */
  readonly resource: string;
  /** The pty that stands in for /dev/usbtmc0 (the bench file's `usbtmc_device`). */
  readonly devicePath: string;
  /** The stand-in's /sys/class/usbmisc and /dev. */
  readonly sysfsRoot: string;
  readonly devRoot: string;
  close(): Promise<void>;
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');

export async function serveUsbtmcStandIn(host: InstrumentHost, usb: UsbIdentity): Promise<UsbtmcStandIn> {
  const pty = await servePty(host, { name: 'usbtmc0' });
  const root = await mkdtemp(join(tmpdir(), 'benchctl-usbtmc-'));
  try {
    const usbDevice = join(root, 'sys/devices/pci0000:00/usb1/1-1');
    const iface = join(usbDevice, '1-1:1.0');
    await mkdir(iface, { recursive: true });
    await writeFile(join(usbDevice, 'idVendor'), `${hex4(usb.vendorId)}\n`);
    await writeFile(join(usbDevice, 'idProduct'), `${hex4(usb.productId)}\n`);
    await writeFile(join(usbDevice, 'serial'), `${usb.serial}\n`);
    await writeFile(join(usbDevice, 'manufacturer'), `${usb.manufacturer}\n`);
    await writeFile(join(usbDevice, 'product'), `${usb.product}\n`);
    const classEntry = join(root, 'sys/class/usbmisc/usbtmc0');
    await mkdir(classEntry, { recursive: true });
    await symlink(iface, join(classEntry, 'device'));
    await mkdir(join(root, 'dev'));
    await symlink(pty.path, join(root, 'dev/usbtmc0'));
  } catch (err) {
    await pty.close();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    role: host.role,
    resource: `USB0::0x${hex4(usb.vendorId).toUpperCase()}::0x${hex4(usb.productId).toUpperCase()}::${usb.serial}::INSTR`,
    devicePath: pty.path,
    sysfsRoot: join(root, 'sys/class/usbmisc'),
    devRoot: join(root, 'dev'),
    close() {
      closing ??= pty.close().then(() => rm(root, { recursive: true, force: true }));
      return closing;
    },
  };
}
