// `measure`: optical power on meter channels, `samples` times `interval` apart, into the `power` table
// (sample, t_s, channel, power_dBm) and as measurements: the mean per channel (`power_ch2_dBm`), and
// `power_dBm` for the first channel. Resumes after the last recorded row; the means include the rows before.
import { z } from 'zod';
import { dBmToMw, mwToDbm } from '../../models/units.ts';
import { checkRange, requireRole } from '../capabilities.ts';
import { q } from '../schema/q.ts';
import type { ResumeInfo, StepDefinition, ValidationIssue } from '../step.ts';

export interface MeasureParams {
  role: string;
  channels: number[];
  samples: number;
  interval_s: number;
  averagingTime_s?: number;
  wavelength_nm?: number;
  table: string;
}

const schema: z.ZodType<MeasureParams> = z.strictObject({
  role: z.string({ error: 'expected a meter role name (default meter)' }).default('meter'),
  channels: z.union([q.count(), z.array(q.count(), { error: 'expected channel numbers, e.g. [1, 2]' }).min(1, 'expected at least one channel')],
    { error: 'expected a channel number or a list, e.g. [1, 2]' }).default(1),
  samples: q.count().default(1),
  interval: q.duration_s({ min: 0 }).default(0),
  averaging_time: q.duration_s({ positive: true }).optional(),
  wavelength: q.wavelength_nm({ positive: true }).optional(),
  table: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a table name: letters, digits, - or _').default('power'),
}, { error: 'expected a mapping { channels, samples, interval, averaging_time, wavelength, role, table }' })
  .transform((b) => ({
    role: b.role,
    channels: (Array.isArray(b.channels) ? b.channels : [b.channels]) as number[],
    samples: b.samples as number,
    interval_s: b.interval as number,
    ...(b.averaging_time !== undefined ? { averagingTime_s: b.averaging_time as number } : {}),
    ...(b.wavelength !== undefined ? { wavelength_nm: b.wavelength as number } : {}),
    table: b.table,
  }));

interface MeasureState {
  /** Sum of linear powers (mW) and count per channel, for the means. */
  sum_mW: Record<string, number>;
  n: Record<string, number>;
}

function add(state: MeasureState, channel: number, power_dBm: number): void {
  const key = String(channel);
  if (Number.isFinite(power_dBm)) state.sum_mW[key] = (state.sum_mW[key] ?? 0) + dBmToMw(power_dBm);
  state.n[key] = (state.n[key] ?? 0) + 1;
}

/**
 * The sums of the readings recorded before an interruption, from the table itself (ResumeInfo.rows): exact
 * whatever instant the run died at. Runs journalled before rows were handed back kept them in the state.
 */
function resumedSums(resume: ResumeInfo | null, table: string): MeasureState {
  const rows = resume?.rows?.[table];
  if (!rows) return (resume?.state as MeasureState | undefined) ?? { sum_mW: {}, n: {} };
  const state: MeasureState = { sum_mW: {}, n: {} };
  for (const r of rows) add(state, Number(r['channel']), typeof r['power_dBm'] === 'number' ? r['power_dBm'] : -Infinity);
  return state;
}

export const measureStep: StepDefinition<MeasureParams> = {
  kind: 'measure',
  description: 'read optical power on meter channels',
  schema,
  tables: (p) => [{ name: p.table, columns: ['sample', 't_s', 'channel', 'power_dBm'], description: 'optical power readings' }],
  measurements: (p) => ({
    power_dBm: 'dBm',
    ...Object.fromEntries(p.channels.map((c) => [`power_ch${c}_dBm`, 'dBm'])),
  }),
  validate(p, bench) {
    const info = requireRole(bench, p.role, 'role', 'meter');
    const issues: ValidationIssue[] = 'message' in info ? [info] : [];
    if (!('message' in info) && info.channels) {
      p.channels.forEach((c, i) => {
        if (!info.channels?.includes(c)) issues.push({ field: `channels.${i}`, message: `meter '${p.role}' has no channel ${c} (it has ${info.channels?.join(', ')})` });
      });
    }
    if (p.wavelength_nm !== undefined) issues.push(...checkRange(bench, p.role, 'wavelength_nm', p.wavelength_nm, 'wavelength', 'meter'));
    return issues;
  },
  estimate_s: (p) => p.samples * (p.channels.length * ((p.averagingTime_s ?? 0.1) + 0.01)) + (p.samples - 1) * p.interval_s,
  async run(ctx, p) {
    const meter = ctx.bench.get(p.role, 'meter');
    for (const ch of p.channels) {
      if (p.wavelength_nm !== undefined) await meter.setWavelength_nm(ch, p.wavelength_nm);
      if (p.averagingTime_s !== undefined) await meter.setAveragingTime_s(ch, p.averagingTime_s);
    }
    const done = ctx.resume?.pointsByTable[p.table] ?? 0;
    const state = resumedSums(ctx.resume, p.table);
    // Rows go out channel by channel; a sample cut short by a crash is measured again from its first channel.
    const firstSample = Math.floor(done / p.channels.length);
    const skipInSample = done % p.channels.length;
    for (let s = firstSample; s < p.samples; s++) {
      if (s > firstSample && p.interval_s > 0) await (ctx.wait_s ? ctx.wait_s(p.interval_s) : Promise.resolve());
      await ctx.checkpoint();
      for (const [i, ch] of p.channels.entries()) {
        if (s === firstSample && i < skipInSample) continue;
        const power_dBm = await meter.readPower_dBm(ch);
        await ctx.point(p.table, { sample: s, t_s: round(ctx.now_s()), channel: ch, power_dBm });
        add(state, ch, power_dBm);
      }
    }
    const mean = (ch: number): number => {
      const n = state.n[String(ch)] ?? 0;
      const sum = state.sum_mW[String(ch)] ?? 0;
      return n > 0 && sum > 0 ? mwToDbm(sum / n) : -Infinity;
    };
    const measurements = Object.fromEntries(p.channels.map((c) => [`power_ch${c}_dBm`, { value: mean(c), unit: 'dBm' }]));
    measurements.power_dBm = { value: mean(p.channels[0] as number), unit: 'dBm' };
    return { measurements };
  },
};

function round(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}
