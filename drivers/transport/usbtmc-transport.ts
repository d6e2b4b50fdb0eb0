// USBTMC link (USB0::<vendor>::<product>::<serial>::INSTR) through the Linux `usbtmc` kernel driver's
// character device. Its semantics, which this transport relies on: one write() is one program message
// (sent with EOM); a read() asks the instrument for a reply (REQUEST_DEV_DEP_MSG_IN) and blocks until the
// reply or the driver's timeout (ETIMEDOUT, 5 s by default), returning at most what was asked. So, as
// with VXI-11, a read is issued only when the session waits for a reply (requestReply), and once more when
// a reply came back short of its terminator. The blocking read runs on libuv's thread pool.
import fs from 'node:fs';
import { ConnectError, LinkLostError } from '../errors.ts';
import { BaseTransport, describeIoError } from './transport.ts';
import { findUsbtmcDevice } from './usbtmc-devices.ts';
import type { UsbtmcRoots } from './usbtmc-devices.ts';

const READ_CHUNK_BYTES = 64 * 1024;

export interface UsbtmcTransportOptions {
  vendorId: number;
  productId: number;
  serial: string;
  /** Open this device instead of looking the ids and serial up in sysfs. */
  devicePath?: string;
  /** Where to look them up (tests lay out their own tree). */
  roots?: UsbtmcRoots;
}

/** errno codes after which the device is gone (unplugged, driver unbound) rather than merely quiet. */
const GONE = new Set(['EIO', 'ENODEV', 'ENXIO', 'EPIPE', 'EBADF', 'ESHUTDOWN']);

export class UsbtmcTransport extends BaseTransport {
  private fd: number | null = null;
  private reading = false;
  private readWanted = false;
  private lastWrite: Promise<unknown> = Promise.resolve();
  /** The device file actually opened, for messages. */
  devicePath = '';

  constructor(resource: string, private readonly options: UsbtmcTransportOptions) {
    super(resource);
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const { vendorId, productId, serial, devicePath, roots } = this.options;
    let file = devicePath;
    if (file === undefined) {
      const found = await findUsbtmcDevice(vendorId, productId, serial, roots);
      if ('problem' in found) throw new ConnectError(this.resource, found.problem);
      file = found.device.path;
    }
    this.devicePath = file;
    this.fd = await new Promise<number>((resolve, reject) => {
      fs.open(file, fs.constants.O_RDWR | fs.constants.O_NOCTTY, (err, fd) => {
        if (err) {
          const hint = err.code === 'EACCES' ? ' (add a udev rule giving your user access, e.g. MODE="0666" for this vendor id)' : '';
          reject(new ConnectError(this.resource, `cannot open ${file}: ${describeIoError(err)}${hint}`, { cause: err }));
        } else resolve(fd);
      });
    });
    this.markOpen();
  }

  /**
   * One program message in one write(), as the usbtmc driver turns each write into one message. A read
   * holds the driver's device lock while it waits, so no read is issued while a write is in flight.
   */
  write(data: Uint8Array): Promise<void> {
    const done = this.writeMessage(data);
    this.lastWrite = done.catch(() => undefined);
    return done;
  }

  private async writeMessage(data: Uint8Array): Promise<void> {
    const fd = this.fd;
    if (fd === null || !this.isOpen) throw this.notOpenError();
    let at = 0;
    while (at < data.length) {
      const n = await new Promise<number>((resolve, reject) => {
        fs.write(fd, data, at, data.length - at, null, (err, written) => (err ? reject(err) : resolve(written)));
      }).catch((err: NodeJS.ErrnoException) => {
        const lost = new LinkLostError(this.resource, `write to ${this.devicePath} failed: ${describeIoError(err)}`, { cause: err });
        if (err.code && GONE.has(err.code)) this.reportLost(lost.reason, err);
        throw lost;
      });
      at += n;
    }
  }

  send(data: Uint8Array): void {
    this.write(data).catch((err: Error) => this.reportLost(err.message, err));
  }

  requestReply(): void {
    if (this.fd === null || !this.isOpen) return;
    this.readWanted = true;
    if (this.reading) return;
    this.reading = true;
    // The session asks for the reply just before it sends the query: let the query go out first.
    void Promise.resolve().then(() => this.lastWrite).then(() => {
      this.reading = false;
      this.readOnce();
    });
  }

  private readOnce(): void {
    const fd = this.fd;
    if (fd === null || !this.readWanted) return;
    this.readWanted = false;
    this.reading = true;
    const buf = Buffer.alloc(READ_CHUNK_BYTES);
    fs.read(fd, buf, 0, buf.length, null, (err, n) => {
      this.reading = false;
      if (this.fd !== fd || !this.isOpen) return;
      if (err) {
        // ETIMEDOUT: the instrument had nothing to say within the driver's timeout; the session's timer speaks.
        if (err.code !== 'ETIMEDOUT') this.reportLost(`read from ${this.devicePath} failed: ${describeIoError(err)}`, err);
        return;
      }
      if (n === 0) {
        this.reportLost(`${this.devicePath} reported end of file`);
        return;
      }
      // Emitting may ask for more (a reply still short of its terminator); readWanted carries that.
      this.emit('data', buf.subarray(0, n));
      if (this.readWanted) this.readOnce();
    });
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.closing = true;
    this.markClosed();
    this.fd = null;
    if (fd === null) return;
    await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
  }
}
