// The ber step's sweep: for each attenuation (highest first) set the VOA, read the received power, decide
// from the trend whether the point can reach a claim within the maximum dwell, count it, record it. Each
// point is durable as it ends; after a crash or a lost instrument the sweep continues with the first point
// not yet recorded (the point in flight is counted again from zero), the points before it read back from
// its table for the trend and the fit.
import type { Bert } from '../../../drivers/roles/bert.ts';
import type { FitRecord, Measurement, Row, StepContext, StepOutcome } from '../../step.ts';
import { berRow } from './ber-row.ts';
import { countPoint } from './counting.ts';
import { checkGoals, errorsForPrecision } from './dwell.ts';
import type { DwellGoals, PointStatus } from './dwell.ts';
import { berTrend, planPoint } from './prediction.ts';
import { modelDecision } from './extrapolate.ts';
import { runQScan } from './q-scan.ts';
import { attenuations_dB } from './schema.ts';
import type { BerParams } from './schema.ts';
import { countingTarget, fecRow, postFecCheck, preFecFit, preFecSensitivity, readFec } from './pre-fec.ts';
import { HeldRows, edgeNote } from './sync-edge.ts';
import type { EdgeWalk } from './sync-edge.ts';
import { waterfallReport } from './waterfall-report.ts';
import type { SweptPoint } from './waterfall-report.ts';

/** The sweep cannot go on (the laser went dark under it). */
export class BerSweepError extends Error {
  override name = 'BerSweepError';
}

/**
 * What the sweep journalled at every point before the recorded rows were handed back on resume
 * (ResumeInfo.rows); read only where rows are absent (a context that cannot provide them).
 */
export interface BerState {
  kind: 'ber';
  points: SweptPoint[];
}

function isBerState(s: unknown): s is BerState {
  return typeof s === 'object' && s !== null && (s as BerState).kind === 'ber' && Array.isArray((s as BerState).points);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** The points already recorded, read back from the ber table (an empty cell — no power — is NaN). */
function recordedPoints(ctx: StepContext): SweptPoint[] {
  const rows = ctx.resume?.rows?.['ber'];
  if (!rows) return isBerState(ctx.resume?.state) ? ctx.resume.state.points : [];
  return rows.map((r) => ({
    attenuation_dB: num(r['attenuation_dB']), power_dBm: num(r['power_dBm']), bits: num(r['bits']), errors: num(r['errors']),
    status: String(r['status']) as PointStatus, dwell_s: num(r['dwell_s']),
  }));
}

/** Time for the detector to re-acquire sync after the power changed, before a point counts as without sync, s. */
const RESYNC_WAIT_S = 0.1;

interface Rig {
  bert: Bert;
  bitsPerSecond: number;
}

async function prepare(ctx: StepContext, p: BerParams): Promise<Rig> {
  const { bench } = ctx;
  const bert = bench.get(p.bert, 'bert');
  const voa = bench.get(p.voa, 'voa');
  const meter = bench.get(p.meter, 'meter');
  if (p.mode === 'pre-fec') {
    if (!bert.setLineCoding || !bert.fecResults || !(bert.lineCodings ?? []).includes('PAM4')) {
      throw new BerSweepError(`mode: pre-fec needs a PAM4 BERT with KP4 FEC analysis; ${bert.driverName} (${bert.session.resource}) has none`);
    }
    await bert.setLineCoding('PAM4');
  }
  if (p.pattern) await bert.setPattern(p.pattern);
  if (p.rate !== undefined) await bert.setLineRate_Gbps(p.rate);
  await bert.setOutput(true);
  if (p.wavelength !== undefined) {
    await bench.get(p.laser, 'laser').setWavelength_nm(p.wavelength);
    await voa.setWavelength_nm(p.wavelength);
    await meter.setWavelength_nm(p.channel, p.wavelength);
  }
  if (bench.has(p.laser)) await bench.get(p.laser, 'laser').setOutput(true);
  await voa.setOutput(true);
  await meter.setAveragingTime_s(p.channel, p.averaging);
  return { bert, bitsPerSecond: (await bert.lineRate_Gbps()) * 1e9 };
}

function goalsOf(p: BerParams, bitsPerSecond: number): DwellGoals {
  const goals: DwellGoals = {
    confidence: p.confidence,
    targetBer: countingTarget(p),
    minErrors: errorsForPrecision(p.precision, p.confidence),
    maxBits: p.max_dwell * bitsPerSecond,
    minGateBits: Math.ceil(p.min_gate * bitsPerSecond),
    growth: 4,
    stopFailing: p.early_stop,
  };
  checkGoals(goals);
  return goals;
}

/** With sync lost, find out whether the light went away (the laser off: stop) or the link is just bad (mark, go on). */
async function requireLight(ctx: StepContext, p: BerParams, where: string): Promise<void> {
  if (!ctx.bench.has(p.laser)) return;
  const laser = ctx.bench.get(p.laser, 'laser');
  if (!(await laser.output())) {
    throw new BerSweepError(`the laser output (${laser.session.resource}) went off ${where} — an interlock or another client; ` +
      'the points recorded so far are kept; once the laser is back on, `benchctl resume` continues from the next point');
  }
}

/** A resumed sweep whose link now delivers this much more or less power at the same attenuation is refused, dB. */
const RESUME_POWER_TOLERANCE_DB = 1;

/**
 * Power + attenuation is the link's constant (the VOA is the only thing that moves). After a resume it must
 * match the points recorded before, or the new points would not belong on the same waterfall: the bench
 * lost its state (alignment, laser power, VOA) across the interruption.
 */
function checkContinuity(before: readonly SweptPoint[], attenuation_dB: number, power_dBm: number): void {
  const constants = before.filter((x) => Number.isFinite(x.power_dBm) && x.status !== 'no-sync').map((x) => x.power_dBm + x.attenuation_dB).sort((a, b) => a - b);
  const median = constants[Math.floor(constants.length / 2)];
  if (median === undefined || !Number.isFinite(power_dBm)) return;
  const shift = power_dBm + attenuation_dB - median;
  if (Math.abs(shift) > RESUME_POWER_TOLERANCE_DB) {
    throw new BerSweepError(`resuming at ${attenuation_dB} dB, the link delivers ${Math.abs(shift).toFixed(1)} dB ${shift < 0 ? 'less' : 'more'} ` +
      `power (${power_dBm.toFixed(2)} dBm) than it did for the ${before.length} points recorded before the interruption: the bench is not ` +
      'in the state they were measured in (alignment, laser power, VOA); restore it and resume, or start a new run');
  }
}

/**
 * Whether the pattern is locked, after the re-acquisition time; with `patience_s`, polled that much longer
 * (a transient: a weaker signal already locked, so this point's BER is not what keeps sync away).
 */
async function hasSync(ctx: StepContext, bert: Bert, patience_s = 0): Promise<boolean> {
  if (await bert.synced()) return true;
  await ctx.wait_s?.(RESYNC_WAIT_S);
  if (await bert.synced()) return true;
  if (!ctx.wait_s) return false;
  for (let waited_s = 0; waited_s < patience_s; waited_s += TRANSIENT_POLL_S) {
    await ctx.wait_s(TRANSIENT_POLL_S);
    if (await bert.synced()) return true;
  }
  return false;
}

/** How long a transient sync loss is waited out, per retry, before the point is given up, s. */
const TRANSIENT_SYNC_S = 5;
const TRANSIENT_POLL_S = 0.25;

/**
 * The power of the weakest point counted so far with the pattern locked, or undefined. Points run from the
 * weakest up, so a point without sync at more power than this lost it to a transient (a glitch, a fault on
 * the link), not to its BER: it is waited for, so that a fault does not cost a waterfall point (and with it,
 * perhaps, the sensitivity).
 */
function weakestLocked_dBm(points: readonly SweptPoint[]): number | undefined {
  const locked = points.filter((x) => Number.isFinite(x.power_dBm) && x.bits > 0 && x.status !== 'no-sync' && x.status !== 'sync-lost');
  return locked.length ? Math.min(...locked.map((x) => x.power_dBm)) : undefined;
}

/** A point measured and not yet written (a no-sync point held back until the sync edge is confirmed). */
interface Held {
  /** Its index in the sweep's attenuations. */
  i: number;
  point: SweptPoint;
  fec: Row | null;
}

/** Statuses of a point counted with the pattern locked. */
const LOCKED: ReadonlySet<PointStatus> = new Set(['measured', 'bounded', 'limited', 'failed']);

export async function runBerSweep(ctx: StepContext, p: BerParams): Promise<StepOutcome> {
  const atts = attenuations_dB(p);
  const recorded = ctx.resume?.pointsByTable['ber'] ?? 0;
  const state = { points: recordedPoints(ctx).slice(0, recorded) };
  if (recorded > 0) ctx.log(`continuing the BER sweep after ${recorded} recorded points, from ${atts[recorded] ?? '(none left)'} dB`);
  if (state.points.length < recorded) ctx.warn(`only ${state.points.length} of the ${recorded} recorded points are known to the fit; the rest are in the CSV only`);
  const rig = recorded < atts.length ? await prepare(ctx, p) : null;
  const voa = ctx.bench.get(p.voa, 'voa');
  const meter = ctx.bench.get(p.meter, 'meter');
  const goals = rig ? goalsOf(p, rig.bitsPerSecond) : null;
  if (p.counting === 'live' && !ctx.wait_s) ctx.log('live counting needs bench-time waits, which this context lacks: counting in chained gates');
  if (rig && p.counting === 'gates' && rig.bert.bitGates !== 'any' && ctx.wait_s) {
    ctx.log(`${rig.bert.driverName} ends a gate only on 10^n bits: counting each point in one running gate, read as it runs`);
  }
  let extrapolating = p.method === 'extrapolate';
  let retried = 0;
  let syncGone = false;
  /**
   * Measures the point at atts[i]: sets the VOA, reads the power, checks sync, counts. `edgeCheck`: a
   * no-sync point checked again once the sweep locked (sync_edge.ts): one sync check, no transient wait.
   */
  const measure = async (rig: Rig, goals: DwellGoals, i: number, edgeCheck: boolean): Promise<Held> => {
    const attenuation_dB = atts[i] as number;
    await voa.setAttenuation_dB(attenuation_dB);
    // The filter moves for tens of ms: a power reading or a gate during the move would see the wrong power.
    await voa.waitSettled();
    const power_dBm = (await meter.readPower_dBm(p.channel)) + p.power_offset;
    if (!edgeCheck && i === recorded && recorded > 0) checkContinuity(state.points, attenuation_dB, power_dBm);
    const point: SweptPoint = { attenuation_dB, power_dBm, bits: 0, errors: 0, status: 'skipped', dwell_s: 0 };
    let fec: Row | null = null;
    const bounded = state.points.filter((x) => x.status === 'bounded').map((x) => x.power_dBm);
    const plan = planPoint(goals, {
      power_dBm, trend: berTrend(state.points, countingTarget(p), power_dBm), skipAboveBounded: p.skip_above_bounded,
      bitsPerSecond: rig.bitsPerSecond, minReachProbability: p.min_reach, lastChance: !edgeCheck && i === atts.length - 1,
      ...(bounded.length ? { boundedAt_dBm: Math.min(...bounded) } : {}),
    });
    const weakest_dBm = weakestLocked_dBm(state.points);
    // Sync missing where a weaker signal locked is a transient: waited out (sync_retries times) before giving up.
    // Once such a wait has failed, the loss is not a transient: later points do not wait.
    const patience_s = !edgeCheck && !syncGone && weakest_dBm !== undefined && power_dBm >= weakest_dBm ? TRANSIENT_SYNC_S : 0;
    const transientSync = async (why: string): Promise<boolean> => {
      for (let retry = 1; patience_s > 0 && retry <= p.sync_retries; retry++) {
        await requireLight(ctx, p, `at ${attenuation_dB} dB`);
        ctx.warn(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): ${why}, although ${(weakest_dBm ?? 0).toFixed(2)} dBm locked: ` +
          `a transient; waiting up to ${TRANSIENT_SYNC_S} s for sync (retry ${retry} of ${p.sync_retries})`);
        if (await hasSync(ctx, rig.bert, TRANSIENT_SYNC_S)) {
          retried++;
          return true;
        }
      }
      if (patience_s > 0 && p.sync_retries > 0) syncGone = true;
      return false;
    };
    if (plan.action === 'skip') {
      ctx.warn(`${attenuation_dB} dB skipped: ${plan.reason}`);
    } else if (!(await hasSync(ctx, rig.bert)) && !(await transientSync('no pattern sync at the start of the point'))) {
      await requireLight(ctx, p, `at ${attenuation_dB} dB`);
      point.status = 'no-sync';
      if (edgeCheck) ctx.log(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): still no pattern sync when checked again: the sync edge`);
      else ctx.warn(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): no pattern sync — the BER is too high to lock to, or the link is broken; point marked, not counted`);
    } else {
      const count = () => countPoint(ctx, rig.bert, {
        // Pre-FEC: one gate per point, so that the FEC analysis read after it covers every counted bit.
        goals, test: plan.test, bitsPerSecond: rig.bitsPerSecond, counting: p.mode === 'pre-fec' ? 'live' : p.counting,
        ...(plan.predictedBer !== undefined ? { predictedBer: plan.predictedBer } : {}),
      });
      let c = await count();
      // A sync loss that heals (a transient on the link, the receiver re-locking) costs the point only its
      // counts: with the light still there and sync back, the point is counted again from zero, so a
      // waterfall point is not lost to a glitch. The invalid attempt's counts stay in the log, not the row.
      for (let retry = 1; c.status === 'sync-lost' && retry <= p.sync_retries; retry++) {
        await requireLight(ctx, p, `at ${attenuation_dB} dB`);
        if (!(await hasSync(ctx, rig.bert, patience_s))) {
          if (patience_s > 0) syncGone = true;
          break;
        }
        ctx.warn(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): ${c.why}; sync is back: counting the point again ` +
          `(retry ${retry} of ${p.sync_retries})`);
        retried++;
        c = await count();
      }
      Object.assign(point, { bits: c.counts.bits, errors: c.counts.errors, status: c.status, dwell_s: c.dwell_s });
      if (p.mode === 'pre-fec' && c.status !== 'sync-lost') fec = fecRow('sweep', attenuation_dB, power_dBm, await readFec(rig.bert), p.confidence);
      if (c.status === 'sync-lost') {
        await requireLight(ctx, p, `at ${attenuation_dB} dB`);
        ctx.warn(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): ${c.why}; point marked sync-lost`);
      } else if (c.status === 'limited') {
        ctx.warn(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): ${c.why}; recorded with its interval`);
      } else if (c.status === 'failed') {
        ctx.log(`${attenuation_dB} dB (${power_dBm.toFixed(2)} dBm): ${c.why}`);
      }
    }
    return { i, point, fec };
  };
  /** Writes a finished point: its ber row (the sweep's record of progress), then its fec row. */
  const write = async (h: Held): Promise<void> => {
    await ctx.point('ber', berRow(h.point, p.confidence));
    // After its ber row: a resume never counts a point twice in 'fec'.
    if (h.fec) await ctx.point('fec', h.fec);
    state.points.push(h.point);
  };
  // No-sync points before the first lock are held back (sync-edge.ts) until the edge is confirmed.
  const held = new HeldRows<Held>(p.confirm_edge);
  const release = async (rows: Held[]): Promise<void> => {
    for (const h of rows) await write(h);
  };
  let edgeRetried = 0;
  const notes: string[] = [];
  /** The sweep locked at `lock` after held no-sync points: check them again, walking weaker while they lock. */
  const confirmEdge = async (rig: Rig, goals: DwellGoals, lock: Held): Promise<void> => {
    let back = 0;
    let end: EdgeWalk['end'] = 'start';
    for (; back < held.length; back++) {
      const h = held.at(back) as Held;
      await ctx.checkpoint();
      const again = await measure(rig, goals, h.i, true);
      if (again.point.status === 'no-sync') {
        end = 'edge';
        break;
      }
      ctx.log(`${again.point.attenuation_dB} dB: no sync before, locked when checked again — re-measured (${again.point.status})`);
      held.replace(back, again);
      // A point that locked at its start but lost sync while counting is past the edge too, but not a measurement.
      if (LOCKED.has(again.point.status)) edgeRetried++;
    }
    // Every held point locked: either they were the sweep's first points, or older no-sync rows lie beyond the bound.
    if (end !== 'edge' && (held.at(held.length - 1) as Held).i > 0) end = 'bound';
    const weakest = held.at(back - 1);
    const note = edgeNote({ relocked: back, end, bound: p.confirm_edge, lock_dB: lock.point.attenuation_dB,
      weakest_dB: (weakest ?? lock).point.attenuation_dB });
    if (note) {
      ctx.warn(note);
      notes.push(note);
    }
  };
  for (let i = recorded; rig && goals && i < atts.length; i++) {
    await ctx.checkpoint();
    if (extrapolating) {
      const next = modelDecision(state.points, p, i, atts.length);
      if (next.action === 'extrapolate') {
        ctx.log(next.message);
        await release(held.release());
        for (const a of atts.slice(i)) {
          const rest: SweptPoint = { attenuation_dB: a, power_dBm: NaN, bits: 0, errors: 0, status: 'skipped', dwell_s: 0 };
          await ctx.point('ber', berRow(rest, p.confidence));
          state.points.push(rest);
        }
        break;
      }
      if (next.action === 'count-down') {
        ctx.warn(next.message);
        extrapolating = false;
      }
    }
    const h = await measure(rig, goals, i, false);
    if (h.point.status === 'no-sync' && p.confirm_edge > 0 && weakestLocked_dBm(state.points) === undefined) {
      await release(held.push(h));
      continue;
    }
    if (held.length > 0 && LOCKED.has(h.point.status)) await confirmEdge(rig, goals, h);
    await release(held.release());
    await write(h);
  }
  await release(held.release());
  const report = waterfallReport(state.points, {
    targetBer: countingTarget(p), method: p.method === 'extrapolate' ? 'q' : p.method, confidence: p.confidence,
    useModel: p.method === 'extrapolate',
    ...(p.receiver ? { receiver: { kind: p.receiver.kind, sensitivity_dBm: p.receiver.sensitivity, atBer: p.receiver.at } } : {}),
  });
  for (const w of report.warnings) ctx.warn(w);
  report.measurements['syncRetriedPoints'] = { value: retried, unit: '' };
  report.measurements['edgeRetriedPoints'] = { value: edgeRetried, unit: '' };
  for (const [model, fit] of Object.entries(report.fits)) ctx.fit(model, fit);
  if (p.mode === 'pre-fec') {
    const fit = await preFecVerdict(ctx, p, state.points, report.measurements, report.fits, rig);
    report.fits['pre-fec'] = fit;
    ctx.fit('pre-fec', fit);
  }
  if (p.q_scan && !(ctx.resume?.pointsByTable['qscan'])) {
    Object.assign(report.measurements, await runQScan(ctx, p.q_scan, p.bert, {
      voa, readPower_dBm: async () => (await meter.readPower_dBm(p.channel)) + p.power_offset,
    }));
  }
  return { measurements: report.measurements, fits: report.fits, ...(notes.length ? { notes } : {}) };
}

/**
 * Pre-FEC mode after the sweep: the sensitivity at the threshold with its interval, then the post-FEC check
 * there. Returns the 'pre-fec' fit record (threshold, sensitivity and interval, the check's verdict) for plots.
 */
async function preFecVerdict(ctx: StepContext, p: BerParams, points: readonly SweptPoint[], m: Record<string, Measurement>,
  fits: Readonly<Record<string, FitRecord>>, rig: Rig | null): Promise<FitRecord> {
  Object.assign(m, preFecSensitivity(m, p, fits));
  await postFecStage(ctx, p, points, m, rig);
  return preFecFit(m, p);
}

async function postFecStage(ctx: StepContext, p: BerParams, points: readonly SweptPoint[], m: Record<string, Measurement>, rig: Rig | null): Promise<void> {
  const sensitivity = m['preFecSensitivity_dBm']?.value;
  if (sensitivity === undefined) {
    ctx.warn('no pre-FEC sensitivity (no waterfall fit): no post-FEC check');
    return;
  }
  if (ctx.resume?.rows?.['fec']?.some((r) => r['kind'] === 'post-fec')) {
    ctx.log('the post-FEC check was recorded before the interruption: its verdict is in the fec table');
    return;
  }
  await ctx.checkpoint();
  const bert = (rig ?? (await prepare(ctx, p))).bert;
  const meter = ctx.bench.get(p.meter, 'meter');
  const check = await postFecCheck(ctx, p, bert, points, sensitivity, async () => (await meter.readPower_dBm(p.channel)) + p.power_offset, attenuations_dB(p));
  if (typeof check === 'string') {
    ctx.warn(check);
    return;
  }
  await ctx.point('fec', check.row);
  Object.assign(m, check.measurements);
  if (check.pass) ctx.log(check.message);
  else ctx.warn(check.message);
}
