// The fiber-array view's data: each channel's latest power from the scan, its own optimum and shortfall
// once align_channels has them, and the pose readouts.
import { describe, expect, it } from 'vitest';
import { arrayReadouts, channelBars } from '../../../renderer/results/array-channels.ts';
import { ColumnTable } from '../../../renderer/results/column-table.ts';

const scanColumns = ['phase', 'x_um', 'y_um', 'z_um', 'u_deg', 'v_deg', 'w_deg', 'power_ch1_dBm', 'power_ch8_dBm'];

describe('array channels view', () => {
  it('shows the latest reading of every channel while the step runs, then each against its own optimum', () => {
    const scan = new ColumnTable(scanColumns);
    expect(arrayReadouts(scan)).toBeNull();
    scan.appendRows([
      { phase: 'first-light', x_um: 0, y_um: 0, z_um: 0, u_deg: 0, v_deg: 0, w_deg: 0, power_ch1_dBm: -80, power_ch8_dBm: -80 },
      { phase: 'joint', x_um: 1, y_um: 2, z_um: -1.5, u_deg: 0.1, v_deg: -0.05, w_deg: 0.3, power_ch1_dBm: -20, power_ch8_dBm: -30 },
    ]);
    const live = channelBars(scan, undefined);
    expect(live.map((b) => [b.channel, b.power_dBm, b.shortfall_dB])).toEqual([[1, -20, null], [8, -30, null]]);
    expect(live[0]?.fill).toBeCloseTo(40 / 60, 9);
    expect(arrayReadouts(scan)).toEqual({ roll_deg: 0.3, tip_deg: 0.1, tilt_deg: -0.05, z_um: -1.5, phase: 'joint' });
    const channels = new ColumnTable(['channel', 'power_dBm', 'best_dBm', 'shortfall_dB']);
    channels.appendRows([{ channel: 1, power_dBm: -19, best_dBm: -18.9, shortfall_dB: 0.1 }, { channel: 8, power_dBm: -29, best_dBm: -28.95, shortfall_dB: 0.05 }]);
    const done = channelBars(scan, channels);
    expect(done.map((b) => [b.channel, b.power_dBm, b.best_dBm, b.shortfall_dB])).toEqual([[1, -19, -18.9, 0.1], [8, -29, -28.95, 0.05]]);
  });

  it('clamps the bars to the scale and keeps a dark channel at zero', () => {
    const scan = new ColumnTable(['phase', 'power_ch2_dBm']);
    scan.appendRows([{ phase: 'x', power_ch2_dBm: 5 }]);
    expect(channelBars(scan, undefined)[0]?.fill).toBe(1);
    scan.appendRows([{ phase: 'x', power_ch2_dBm: -200 }]);
    expect(channelBars(scan, undefined)[0]?.fill).toBe(0);
  });
});
