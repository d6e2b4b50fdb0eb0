// The one place tests (and demos) script what a real bench does at 3 a.m.: links that drop, hang or
// mumble, instruments that raise errors, a stuck stage axis, a tripped laser interlock, a BERT losing sync.
// Link faults live in the links; the physical ones are delegated to the optical world and the stage.
import type { LinkHub } from './link/link-hub.ts';
import { AXES, type AxisName } from './motion/motion-system.ts';

/** The optical world's fault hooks (helper D's factory provides them). */
export interface OpticalFaultHooks {
  tripInterlock(): void;
  resetInterlock(): void;
  loseBertSync(): void;
  restoreBertSync(): void;
}

/** The stage's fault hooks (helper D′'s StageMotion provides them). */
export interface StageFaultHooks {
  stall(axis: AxisName): void;
  unstall(axis: AxisName): void;
}

/** A fault scripted with an argument it cannot use (an axis that does not exist, ...). */
export class FaultArgumentError extends Error {
  override name = 'FaultArgumentError';
}

export class BenchFaults {
  private readonly links: LinkHub;
  private readonly optical: OpticalFaultHooks;
  private readonly stage: StageFaultHooks;
  private readonly stalled = new Set<AxisName>();
  private interlockTripped = false;
  private syncLost = false;

  constructor(deps: { links: LinkHub; optical: OpticalFaultHooks; stage: StageFaultHooks }) {
    this.links = deps.links;
    this.optical = deps.optical;
    this.stage = deps.stage;
  }

  /** Closes every client link of `role` now, like a pulled cable; returns how many were cut. Clients may reconnect. */
  dropConnection(role: string): number {
    return this.links.dropConnection(role);
  }

  /** While on, `role` reads nothing back and swallows commands unexecuted (a hung box). */
  stopAnswering(role: string, on = true): void {
    this.links.stopAnswering(role, on);
  }

  /** The next `count` replies of `role` are plausible junk instead of the real reply. */
  answerGarbage(role: string, count = 1): void {
    this.links.answerGarbage(role, count);
  }

  /** Queues an instrument error, as if the box had raised it (read back with SYST:ERR? / TB? / ERR?). */
  pushError(role: string, code: number, detail?: string): void {
    if (!Number.isInteger(code)) throw new FaultArgumentError(`pushError(${role}): code must be an integer, got ${code}`);
    this.links.pushError(role, code, detail);
  }

  /** The axis sticks partway through its next (or current) move and never reports on target until stopped. */
  stallStage(axis: string): void {
    const a = checkAxis('stallStage', axis);
    this.stage.stall(a);
    this.stalled.add(a);
  }

  unstallStage(axis: string): void {
    const a = checkAxis('unstallStage', axis);
    this.stage.unstall(a);
    this.stalled.delete(a);
  }

  /** The laser's output goes off and stays off, with an error, until the interlock is reset. */
  tripInterlock(): void {
    this.optical.tripInterlock();
    this.interlockTripped = true;
  }

  resetInterlock(): void {
    this.optical.resetInterlock();
    this.interlockTripped = false;
  }

  /** The BERT's detector loses pattern sync (SYNC? 0) until restored. */
  loseBertSync(): void {
    this.optical.loseBertSync();
    this.syncLost = true;
  }

  restoreBertSync(): void {
    this.optical.restoreBertSync();
    this.syncLost = false;
  }

  /** What is currently injected, for logs and test messages. */
  active(): string[] {
    const out: string[] = [];
    for (const role of this.links.roles) {
      const host = this.links.host(role);
      if (!host.answering) out.push(`${role}: not answering`);
      if (host.garbagePending > 0) out.push(`${role}: ${host.garbagePending} garbage repl${host.garbagePending === 1 ? 'y' : 'ies'} pending`);
    }
    for (const axis of this.stalled) out.push(`stage axis ${axis}: stalled`);
    if (this.interlockTripped) out.push('laser: interlock tripped');
    if (this.syncLost) out.push('bert: pattern sync lost');
    return out;
  }

  /**
   * Ends every fault: links answer normally again, stalled axes are released, the interlock is reset and
   * BERT sync restored. Queued instrument errors stay queued (a real box keeps them until read) and
   * dropped links stay dropped (clients reconnect).
   */
  clear(): void {
    this.links.clearLinkFaults();
    for (const axis of AXES) this.stage.unstall(axis);
    this.stalled.clear();
    this.optical.resetInterlock();
    this.optical.restoreBertSync();
    this.interlockTripped = false;
    this.syncLost = false;
  }
}

function checkAxis(fault: string, axis: string): AxisName {
  if ((AXES as readonly string[]).includes(axis)) return axis as AxisName;
  throw new FaultArgumentError(`${fault}: no stage axis '${axis}'; expected one of ${AXES.join(', ')}`);
}
