// Every instrument of a bench, by role, with the ways of reaching it (in-process, TCP, pty) and the link
// faults. VirtualBench composes one over the real instruments; tests can build one over fakes.
import type { Duplex } from 'node:stream';
import type { SimInstrument } from '../sim-instrument.ts';
import { connectInProcess } from './in-process-link.ts';
import { InstrumentHost } from './instrument-host.ts';
import { createJunkSource } from './junk.ts';
import { servePty, type PtyEndpoint } from './pty-server.ts';
import { listenTcp, LinkServeError, LOOPBACK, type TcpEndpoint } from './tcp-server.ts';
import { serveUsbtmcStandIn, type UsbIdentity, type UsbtmcStandIn } from './usbtmc-standin.ts';
import { serveVxi11, type Vxi11Endpoint } from './vxi11-server.ts';

/** A role the bench does not have; the message lists the roles it does have. */
export class UnknownRoleError extends Error {
  override name = 'UnknownRoleError';
  readonly role: string;
  readonly knownRoles: readonly string[];
  constructor(role: string, knownRoles: readonly string[], action = 'connect') {
    super(`${action}: no simulated instrument has the role '${role}'; known roles: ${knownRoles.join(', ')}`);
    this.role = role;
    this.knownRoles = knownRoles;
  }
}

export interface ServeTcpOptions {
  /** Only 127.0.0.1 is accepted: the simulator never listens beyond the machine. */
  host?: string;
  /** First port; the roles take consecutive ports in the bench's role order. 0 = an ephemeral port each. */
  portBase?: number;
}

export interface ServedBench {
  readonly endpoints: readonly TcpEndpoint[];
  /** `TCPIP0::127.0.0.1::<port>::SOCKET` of a role (UnknownRoleError otherwise). */
  resource(role: string): string;
  port(role: string): number;
  /** Stops every server of this call and closes their connections. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_PORT_BASE = 5025;

export class LinkHub {
  private readonly hosts = new Map<string, InstrumentHost>();
  private readonly servers = new Set<{ close(): Promise<void> }>();

  constructor(instruments: readonly SimInstrument[], opts: { seed?: number } = {}) {
    const junk = createJunkSource(opts.seed ?? 1);
    for (const instrument of instruments) {
      if (this.hosts.has(instrument.role)) throw new Error(`LinkHub: two instruments claim the role '${instrument.role}'`);
      this.hosts.set(instrument.role, new InstrumentHost(instrument, junk));
    }
  }

  /** Roles in serving order (the order the instruments were given). */
  get roles(): string[] {
    return [...this.hosts.keys()];
  }

  host(role: string, action = 'connect'): InstrumentHost {
    const host = this.hosts.get(role);
    if (!host) throw new UnknownRoleError(role, this.roles, action);
    return host;
  }

  /** An in-process link to `role`: a Duplex carrying program messages in and replies out. */
  connect(role: string): Duplex {
    return connectInProcess(this.host(role));
  }

  async serveTcp(opts: ServeTcpOptions = {}): Promise<ServedBench> {
    const host = opts.host ?? LOOPBACK;
    const base = opts.portBase ?? DEFAULT_PORT_BASE;
    const roles = this.roles;
    if (!Number.isInteger(base) || base < 0 || (base > 0 && base + roles.length - 1 > 65535)) {
      throw new LinkServeError(`serveTcp: portBase must be 0 (ephemeral) or a port with room for ${roles.length} consecutive ports, got ${base}`);
    }
    const endpoints: TcpEndpoint[] = [];
    try {
      for (const [i, role] of roles.entries()) {
        endpoints.push(await listenTcp(this.host(role), { host, port: base === 0 ? 0 : base + i }));
      }
    } catch (err) {
      await Promise.all(endpoints.map((e) => e.close()));
      throw err;
    }
    const find = (role: string): TcpEndpoint => {
      const e = endpoints.find((x) => x.role === role);
      if (!e) throw new UnknownRoleError(role, roles, 'resource');
      return e;
    };
    const served: ServedBench = {
      endpoints,
      resource: (role) => find(role).resource,
      port: (role) => find(role).port,
      close: async () => {
        this.servers.delete(served);
        await Promise.all(endpoints.map((e) => e.close()));
      },
    };
    this.servers.add(served);
    return served;
  }

  /** Serves `roles` (in that order: inst0, inst1, ...) on one VXI-11 core channel and portmapper; see vxi11-server.ts. */
  async serveVxi11(opts: { roles?: readonly string[]; portmapperPort?: number } = {}): Promise<Vxi11Endpoint> {
    const hosts = (opts.roles ?? this.roles).map((role) => this.host(role, 'serveVxi11'));
    const endpoint = await serveVxi11(hosts, opts.portmapperPort === undefined ? {} : { portmapperPort: opts.portmapperPort });
    const tracked = { close: () => endpoint.close() };
    this.servers.add(tracked);
    return { ...endpoint, resource: (role) => endpoint.resource(role), close: async () => {
      this.servers.delete(tracked);
      await endpoint.close();
    } };
  }

  /**
   * Serves an instrument that is no role of the bench (USB only, like the PM100) through a USBTMC
   * stand-in; see usbtmc-standin.ts. Closed with the hub.
   */
  async serveUsbtmc(instrument: SimInstrument, usb: UsbIdentity): Promise<UsbtmcStandIn> {
    const endpoint = await serveUsbtmcStandIn(new InstrumentHost(instrument, createJunkSource(1)), usb);
    const tracked = { close: () => endpoint.close() };
    this.servers.add(tracked);
    return { ...endpoint, close: async () => {
      this.servers.delete(tracked);
      await endpoint.close();
    } };
  }

  /** Serves `role` on a fresh serial pty pair (socat); see pty-server.ts. */
  async servePty(role: string, opts: { name?: string } = {}): Promise<PtyEndpoint> {
    const endpoint = await servePty(this.host(role, 'servePty'), opts);
    const tracked = { close: () => endpoint.close() };
    this.servers.add(tracked);
    return {
      role: endpoint.role,
      path: endpoint.path,
      resource: endpoint.resource,
      get pid() {
        return endpoint.pid;
      },
      close: async () => {
        this.servers.delete(tracked);
        await endpoint.close();
      },
    };
  }

  // Link faults -------------------------------------------------------------------------------------

  /** Cuts every client link of `role` now; servers keep listening. Returns how many links were cut. */
  dropConnection(role: string): number {
    return this.host(role, 'dropConnection').dropLinks();
  }

  stopAnswering(role: string, on = true): void {
    this.host(role, 'stopAnswering').stopAnswering(on);
  }

  answerGarbage(role: string, count = 1): void {
    this.host(role, 'answerGarbage').answerGarbage(count);
  }

  pushError(role: string, code: number, detail?: string): void {
    this.host(role, 'pushError').pushError(code, detail);
  }

  clearLinkFaults(): void {
    for (const host of this.hosts.values()) host.clearLinkFaults();
  }

  /** Closes every server and pty this hub opened and cuts every in-process link. Idempotent. */
  async close(): Promise<void> {
    const servers = [...this.servers];
    this.servers.clear();
    await Promise.all(servers.map((s) => s.close()));
    for (const host of this.hosts.values()) host.dropLinks();
  }
}
