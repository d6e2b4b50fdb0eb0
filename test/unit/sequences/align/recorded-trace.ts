// What a fake hexapod's data recorder returns for a move from `from` to `to` along `axis`: a triangle
// profile at `accel` (a short move), sampled every 0.1 ms and held at the end for 20 samples. Rotations
// are paced as their path in m° (1° as long as 1 mm), as the hexapod's coordinated moves are.
import type { PoseValues, RecordedLine } from '../../../../drivers/roles/hexapod.ts';

export function triangleTrace(axis: keyof PoseValues, from: number, to: number, accel: number, opts: { arrives?: boolean } = {}): RecordedLine {
  const dt = 1e-4;
  const scale = 'XYZ'.includes(axis) ? 1 : 1000;
  const d = Math.abs(to - from) * scale;
  const T = 2 * Math.sqrt(d / accel);
  const values = Array.from({ length: Math.round(T / dt) + 20 }, (_, k) => {
    if (opts.arrives === false) return from;
    const t = Math.min(k * dt, T);
    const s = t < T / 2 ? 0.5 * accel * t * t : d - 0.5 * accel * (T - t) ** 2;
    return from + (Math.sign(to - from) * s) / scale;
  });
  return { axis, sampleTime_s: dt, values };
}
