// What the fiber-array view shows, from an array alignment's tables as they grow: each channel's latest
// power (the last row of align_array_scan), its own optimum and shortfall once align_channels has it,
// and the pose readouts (roll, tip, tilt, height). Pure: the component only draws it.
import type { ColumnTable } from './column-table.ts';

export interface ChannelBar {
  channel: number;
  power_dBm: number;
  best_dBm: number | null;
  shortfall_dB: number | null;
  /** 0…1: where the power sits between the floor and the top of the bars' scale. */
  fill: number;
}

export interface ArrayReadouts {
  roll_deg: number;
  tip_deg: number;
  tilt_deg: number;
  z_um: number;
  phase: string;
}

const CHANNEL_COLUMN = /^power_ch(\d+)_dBm$/;

function last(t: ColumnTable, name: string): number {
  const c = t.col(name);
  return c.length ? (c[c.length - 1] as number) : Number.NaN;
}

export function channelBars(scan: ColumnTable, channels: ColumnTable | undefined, scale: { floor_dBm: number; top_dBm: number } = { floor_dBm: -60, top_dBm: 0 }): ChannelBar[] {
  const rows = new Map<number, { best: number; shortfall: number; power: number }>();
  if (channels && channels.length) {
    const ch = channels.col('channel');
    ch.forEach((c, i) => rows.set(c, { best: channels.col('best_dBm')[i] as number, shortfall: channels.col('shortfall_dB')[i] as number, power: channels.col('power_dBm')[i] as number }));
  }
  return scan.columns.flatMap((name) => {
    const m = CHANNEL_COLUMN.exec(name);
    if (!m) return [];
    const channel = Number(m[1]);
    const r = rows.get(channel);
    const power_dBm = r ? r.power : last(scan, name);
    const span = scale.top_dBm - scale.floor_dBm;
    const fill = Number.isFinite(power_dBm) ? Math.min(1, Math.max(0, (power_dBm - scale.floor_dBm) / span)) : 0;
    return [{ channel, power_dBm, best_dBm: r ? r.best : null, shortfall_dB: r ? r.shortfall : null, fill }];
  });
}

export function arrayReadouts(scan: ColumnTable): ArrayReadouts | null {
  if (scan.length === 0) return null;
  const phase = scan.values('phase');
  return { roll_deg: last(scan, 'w_deg'), tip_deg: last(scan, 'u_deg'), tilt_deg: last(scan, 'v_deg'), z_um: last(scan, 'z_um'), phase: String(phase[phase.length - 1] ?? '') };
}
