// The soak's fault source: every few seconds one fault, at random, through a role's fault proxy or the
// simulator's own fault hooks — stalls of 1–10 s (a stalled network, or a hung box that swallows what it
// is sent), dropped links, garbage replies, split and corrupted replies, delay and jitter, an interlock
// trip, BERT sync loss, a restart of the simulator's servers. Each fault is kept with when it started and
// ended, for the report to say how each ended.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VirtualBench } from '../../sim/virtual-bench.ts';
import type { FaultProxy } from '../helpers/fault-proxy.ts';

export type FaultKind =
  | 'proxy-stall' | 'box-stall' | 'drop' | 'garbage' | 'split' | 'corrupt' | 'jitter' | 'interlock' | 'bert-sync' | 'sim-restart';

export interface InjectedFault {
  id: number;
  kind: FaultKind;
  role: string;
  /** Stalls: how long nothing was answered, s. */
  stall_s?: number;
  start_ms: number;
  end_ms: number;
}

export interface InjectorDeps {
  sim: VirtualBench;
  proxies: Record<string, FaultProxy>;
  /** Stops the simulator's servers and serves them again on the same ports after `down_ms`. */
  restartServers(down_ms: number): Promise<void>;
  random: () => number;
  /** Only these roles get proxy and box faults (default every proxied role): a soak focused on one box. */
  roles?: readonly string[];
  /** Only these kinds (default all of WEIGHTS). */
  kinds?: readonly FaultKind[];
}

/**
 * Relative weights: stalls are what the issue is about; the rare ones end a run by design. Split replies
 * and jitter (FaultProxy can do both) are left out by default: an alignment's fly scan times the stage
 * against the meter's log, and tens of milliseconds of jitter at 10 mm/s move the log by a millimetre —
 * the scan then honestly finds no light, which says nothing about recovery. SOAK_TIMING_FAULTS=1 adds them.
 * An interlock trip switches the laser off for the rest of the run (by design: nothing switches it back on
 * unasked), so it ends the run it lands in; it stays rare, or it would end nearly every run.
 */
const WEIGHTS: readonly [FaultKind, number][] = [
  ['proxy-stall', 26], ['box-stall', 12], ['drop', 16], ['garbage', 8], ['corrupt', 8], ['bert-sync', 6], ['interlock', 0.4], ['sim-restart', 2],
  ...(process.env.SOAK_TIMING_FAULTS === '1' ? [['split', 12], ['jitter', 12]] as [FaultKind, number][] : []),
];

/** The kinds this soak injects (split and jitter only with SOAK_TIMING_FAULTS=1): what SOAK_KINDS may name. */
export const FAULT_KINDS: readonly FaultKind[] = WEIGHTS.map(([kind]) => kind);

export class FaultInjector {
  readonly faults: InjectedFault[] = [];
  private readonly deps: InjectorDeps;
  private stopped = false;

  constructor(deps: InjectorDeps) {
    this.deps = deps;
  }

  /** Injects faults until stop() or `count` faults, waiting `gap_s()` between the end of one and the next. */
  async run(count: number, gap_s: () => number): Promise<void> {
    while (!this.stopped && this.faults.length < count) {
      await sleep(gap_s() * 1000);
      if (this.stopped) break;
      await this.injectOne();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** An interlock trip under way (its key not yet turned back): a laser refuses to switch on meanwhile. */
  get interlockOpen(): boolean {
    const last = this.faults.at(-1);
    return last?.kind === 'interlock' && last.end_ms === 0;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.deps.random() * items.length)] as T;
  }

  private async injectOne(): Promise<void> {
    const { sim, proxies, random } = this.deps;
    const weights = this.deps.kinds ? WEIGHTS.filter(([k]) => this.deps.kinds?.includes(k)) : WEIGHTS;
    const total = weights.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    const kind = (weights.find(([, w]) => (r -= w) < 0) ?? weights[0] ?? ['drop', 1])[0];
    const roles = this.deps.roles ?? Object.keys(proxies);
    let role = this.pick(roles);
    const fault: InjectedFault = { id: this.faults.length + 1, kind, role, start_ms: Date.now(), end_ms: 0 };
    this.faults.push(fault);
    const proxy = (): FaultProxy => proxies[role] as FaultProxy;
    switch (kind) {
      case 'proxy-stall': {
        fault.stall_s = 1 + Math.floor(random() * 10);
        proxy().stall(fault.stall_s);
        await sleep(fault.stall_s * 1000);
        break;
      }
      case 'box-stall': {
        fault.stall_s = 1 + Math.floor(random() * 10);
        sim.faults.stopAnswering(role);
        await sleep(fault.stall_s * 1000);
        sim.faults.stopAnswering(role, false);
        break;
      }
      case 'drop':
        proxy().drop();
        break;
      case 'garbage':
        sim.faults.answerGarbage(role, 1);
        await sleep(500);
        break;
      case 'split':
        proxy().split = 'random';
        await sleep(2000);
        proxy().split = null;
        break;
      case 'corrupt':
        proxy().corruptLeft = 1;
        await sleep(500);
        proxy().corruptLeft = 0;
        break;
      case 'jitter':
        proxy().delay_ms = 20;
        proxy().jitter_ms = 80;
        await sleep(2000);
        proxy().clear();
        break;
      case 'interlock':
        role = fault.role = 'laser';
        sim.faults.tripInterlock();
        await sleep(1000);
        sim.faults.resetInterlock();
        break;
      case 'bert-sync':
        role = fault.role = 'bert';
        sim.faults.loseBertSync();
        await sleep(1500);
        sim.faults.restoreBertSync();
        break;
      case 'sim-restart':
        fault.role = 'all';
        await this.deps.restartServers(1000 + random() * 2000);
        break;
    }
    fault.end_ms = Date.now();
  }
}
