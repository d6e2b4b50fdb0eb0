// A synthetic stage + meter for the fly-scan alignment, without the simulator: one Gaussian peak over a
// noise floor, axes that run trapezoids on a virtual clock, mechanical play (the fiber lags its motor by
// half the play in the direction it last moved), a meter that logs the light at the fiber's true
// position, and a cost per exchange (fixed, or with a random share). Just what the align rig calls; anything else is absent.
// Timing faults: a stage that starts its moves late (fixed or at random), and a host clock that does not
// follow the instruments (the bench opened from a bench file — wall time — while the simulator it talks
// to runs on its own virtual clock: every exchange costs the host a random latency, waits cost it nothing).
import normal from '@stdlib/random-base-normal';
import uniform from '@stdlib/random-base-uniform';
import { MotionTimeoutError } from '../../../../drivers/roles/stage.ts';
import type { PowerMeter } from '../../../../drivers/roles/power-meter.ts';
import type { Stage } from '../../../../drivers/roles/stage.ts';
import type { Point_um } from '../../../../sequences/steps/align/paths.ts';
import type { RigContext } from '../../../../sequences/steps/align/rig.ts';
import { planProfile, positionAt_um } from '../../../../sequences/steps/align/trajectory.ts';
import type { MoveProfile } from '../../../../sequences/steps/align/trajectory.ts';

export interface FakeFlyOptions {
  peak: Point_um;
  peak_dBm?: number;
  radius_um?: number;
  floor_dBm?: number;
  relativeNoise?: number;
  backlash_um?: number;
  start: Point_um;
  /** Cost of one exchange with either instrument, s. */
  exchange_s?: number;
  /**
   * …plus a random share, uniform in [0, exchangeJitter_s), drawn for each exchange (a LAN link's varying
   * latency): a command then takes effect at a time its confirmation does not show exactly, s.
   */
  exchangeJitter_s?: number;
  /** The stage starts each move this long after it confirmed it (a clock the aligner does not know about), s. */
  moveLag_s?: number;
  /** …plus a random delay, uniform in [0, moveJitter_s), drawn for each move, s. */
  moveJitter_s?: number;
  /**
   * The step's clock (ctx.now_s) is the host's, not the instruments': each exchange costs it a random
   * latency (uniform up to twice `latency_s`, and one exchange in `hiccupEvery` a stall of up to
   * `hiccup_s`), instrument time spent waiting costs it nothing.
   */
  hostClock?: { latency_s: number; hiccup_s?: number; hiccupEvery?: number };
  /** From this bench time on the light is `dim_dB` weaker (a source or a chip that changed mid-run), s. */
  dimAt_s?: number;
  dim_dB?: number;
  seed?: number;
}

interface Move {
  start_s: number;
  profile: MoveProfile;
  /** Where the fiber was when the move began. */
  load0_um: number;
}

class FakeAxis {
  velocity_um_s = 2000;
  acceleration_um_s2 = 20_000;
  stalled = false;
  private move: Move;

  constructor(at_um: number, private readonly play_um: number) {
    this.move = { start_s: 0, profile: planProfile({ from_um: at_um, to_um: at_um, velocity_um_s: 1, acceleration_um_s2: 1 }), load0_um: at_um };
  }

  motor_um(t: number): number {
    const m = this.move;
    const end = this.stalled ? m.start_s + m.profile.duration_s / 2 : Infinity;
    return positionAt_um(m.profile, Math.min(t, end) - m.start_s);
  }

  /** The fiber: dragged along by the motor once the play is taken up. */
  load_um(t: number): number {
    const m = this.move, half = this.play_um / 2, motor = this.motor_um(t);
    if (m.profile.direction > 0) return Math.max(m.load0_um, motor - half);
    if (m.profile.direction < 0) return Math.min(m.load0_um, motor + half);
    return m.load0_um;
  }

  moveTo(target_um: number, t: number): void {
    const from = this.motor_um(t);
    this.move = { start_s: t, load0_um: this.load_um(t), profile: planProfile({ from_um: from, to_um: target_um, velocity_um_s: this.velocity_um_s, acceleration_um_s2: this.acceleration_um_s2 }) };
  }

  doneAt_s(): number {
    return this.stalled ? Infinity : this.move.start_s + this.move.profile.duration_s;
  }
}

export class FakeFlyBench {
  t = 0;
  readonly axes: Record<'X' | 'Y', FakeAxis>;
  readonly log: string[] = [];
  /** The host's clock (hostClock option), s. */
  wall = 0;
  private readonly o: Required<Omit<FakeFlyOptions, 'seed' | 'hostClock' | 'dimAt_s'>> & Pick<FakeFlyOptions, 'hostClock' | 'dimAt_s'>;
  private readonly gauss: () => number;
  private readonly draw: () => number;
  private averaging_s = 0.1;
  private logging: { start_s: number; n: number; tau_s: number } | null = null;

  constructor(o: FakeFlyOptions) {
    this.o = { peak_dBm: -20, radius_um: 5.2, floor_dBm: -68, relativeNoise: 0.02, backlash_um: 0.3, exchange_s: 2e-4, exchangeJitter_s: 0, moveLag_s: 0, moveJitter_s: 0, dim_dB: 0, ...o };
    this.axes = { X: new FakeAxis(o.start.x_um, this.o.backlash_um), Y: new FakeAxis(o.start.y_um, this.o.backlash_um) };
    this.gauss = normal.factory(0, 1, { seed: o.seed ?? 5 });
    this.draw = uniform.factory(0, 1, { seed: (o.seed ?? 5) + 1000 });
  }

  /** Where the fiber really is now. */
  fiber(): Point_um {
    return { x_um: this.axes.X.load_um(this.t), y_um: this.axes.Y.load_um(this.t) };
  }

  /** Noise-free power at the fiber's true position at time t, W. */
  light_W(t: number): number {
    const dx = this.axes.X.load_um(t) - this.o.peak.x_um, dy = this.axes.Y.load_um(t) - this.o.peak.y_um;
    const dim = this.o.dimAt_s !== undefined && t >= this.o.dimAt_s ? this.o.dim_dB : 0;
    return 10 ** ((this.o.peak_dBm - dim - 30) / 10) * Math.exp((-2 * (dx * dx + dy * dy)) / this.o.radius_um ** 2);
  }

  private reading_W(t0: number, tau: number): number {
    let sum = 0;
    for (let i = 0; i < 4; i++) sum += this.light_W(t0 + ((i + 0.5) / 4) * tau);
    const floor = 10 ** ((this.o.floor_dBm - 30) / 10);
    return Math.max(floor, (sum / 4) * (1 + this.o.relativeNoise * this.gauss()) + (floor / 3) * this.gauss());
  }

  private async exchange(what: string): Promise<void> {
    this.t += this.o.exchange_s + (this.o.exchangeJitter_s > 0 ? this.o.exchangeJitter_s * this.draw() : 0);
    const h = this.o.hostClock;
    if (h) {
      this.wall += 2 * h.latency_s * this.draw();
      if (h.hiccup_s && this.draw() * (h.hiccupEvery ?? 20) < 1) this.wall += h.hiccup_s * this.draw();
    }
    this.log.push(what);
  }

  private axis(name: string): FakeAxis {
    const a = (this.axes as Record<string, FakeAxis>)[name];
    if (!a) throw new Error(`fake stage: no axis ${name}`);
    return a;
  }

  readonly stage = {
    kind: 'stage',
    axes: ['X', 'Y'],
    softLimits: () => ({ min_um: -1e6, max_um: 1e6 }),
    position_um: async (axis: string) => {
      await this.exchange(`pos? ${axis}`);
      return Math.round(this.axis(axis).motor_um(this.t) * 100) / 100;
    },
    // Several axes in one exchange, as PI GCS `POS? 1 2`.
    positions_um: async (axes: readonly string[]) => {
      await this.exchange(`pos? ${axes.join(' ')}`);
      return Object.fromEntries(axes.map((a) => [a, Math.round(this.axis(a).motor_um(this.t) * 100) / 100]));
    },
    trajectory: async (axis: string) => {
      await this.exchange(`traj? ${axis}`);
      return { velocity_um_s: this.axis(axis).velocity_um_s, acceleration_um_s2: this.axis(axis).acceleration_um_s2 };
    },
    setVelocity_um_s: async (axis: string, v: number) => {
      await this.exchange(`vel ${axis} ${v}`);
      this.axis(axis).velocity_um_s = v;
    },
    setAcceleration_um_s2: async (axis: string, a: number) => {
      await this.exchange(`acc ${axis} ${a}`);
      this.axis(axis).acceleration_um_s2 = a;
    },
    moveAbsolute_um: async (targets: Record<string, number>) => {
      await this.exchange(`move ${JSON.stringify(targets)}`);
      const late = this.o.moveLag_s + this.o.moveJitter_s * this.draw();
      for (const [axis, target] of Object.entries(targets)) this.axis(axis).moveTo(target, this.t + late);
      await this.exchange('move confirmed');
    },
    waitForMotion: async (opts: { axes?: string[]; timeout_s?: number } = {}) => {
      const axes = opts.axes ?? ['X', 'Y'];
      const done = Math.max(...axes.map((a) => this.axis(a).doneAt_s()));
      const timeout = opts.timeout_s ?? 60;
      if (done - this.t > timeout) {
        this.t += timeout;
        throw new MotionTimeoutError('stage', axes.filter((a) => !Number.isFinite(this.axis(a).doneAt_s())), timeout);
      }
      // Settling included, as a controller reports it.
      this.t = Math.max(this.t, done + 0.01);
      await this.exchange('motion done?');
    },
  } as unknown as Stage;

  readonly meter = {
    kind: 'meter',
    channels: [1],
    setAveragingTime_s: async (_ch: number, s: number) => {
      await this.exchange(`atime ${s}`);
      this.averaging_s = s;
    },
    averagingTime_s: async () => {
      await this.exchange('atime?');
      return this.averaging_s;
    },
    readPower_dBm: async () => {
      await this.exchange('read?');
      const t0 = this.t;
      this.t += this.averaging_s;
      return 10 * Math.log10(this.reading_W(t0, this.averaging_s)) + 30;
    },
    startLogging: async (o: { samples: number; averagingTime_s: number }) => {
      await this.exchange('log start');
      this.logging = { start_s: this.t, n: o.samples, tau_s: o.averagingTime_s };
      await this.exchange('log confirmed');
    },
    waitLogging: async () => {
      const l = this.logging;
      if (l) this.t = Math.max(this.t, l.start_s + l.n * l.tau_s);
      await this.exchange('log done?');
    },
    fetchLog_W: async () => {
      await this.exchange('log fetch');
      const l = this.logging;
      return l ? Array.from({ length: l.n }, (_, k) => this.reading_W(l.start_s + k * l.tau_s, l.tau_s)) : [];
    },
    stopLogging: async () => {
      await this.exchange('log stop');
      this.logging = null;
    },
  } as unknown as PowerMeter;

  /**
   * A step context on this bench's clock (or the host's, with hostClock): rows counted, and the writes
   * they took (a burst through points() is one); logs and warnings kept. `burst: false` leaves points()
   * out, as a hand-made context may.
   */
  context(o: { burst?: boolean } = {}): RigContext & { rows: number; writes: number; logs: string[]; warnings: string[] } {
    const ctx: RigContext & { rows: number; writes: number; logs: string[]; warnings: string[] } = {
      rows: 0,
      writes: 0,
      logs: [],
      warnings: [],
      now_s: () => (this.o.hostClock ? this.wall : this.t),
      checkpoint: async () => undefined,
      point: async () => {
        ctx.rows += 1;
        ctx.writes += 1;
      },
      log: (m: string) => {
        ctx.logs.push(m);
      },
      warn: (m: string) => {
        ctx.warnings.push(m);
      },
    };
    if (o.burst !== false) {
      ctx.points = async (_table, rows) => {
        ctx.rows += rows.length;
        ctx.writes += 1;
      };
    }
    return ctx;
  }
}
