// How long a fiber-array alignment takes, for the plan (pure): by fly lines when the hexapod's trigger
// output is cabled to the multiport meter, else by step-and-read. The fly estimate follows the path the
// step flies (array-fly-align.ts): the first-light raster's rows (on average half of them before the
// pair lights), a line per listed axis (the roll line, X, Z, U and V) and the roll solve's W and Y lines
// (the last Y line when roll is not listed), each line's move to its start and the line itself at the hexapod's system
// velocity with its path acceleration, plus each line's exchanges (trigger, recorder, log start,
// one log fetch per port). Planning figures, not measured on the bench at hand.
import type { PoseAxisName } from '../../../drivers/roles/hexapod.ts';
import { FIRST_ROLL_SPAN_UM, FLY_ROUNDS, FLY_VELOCITY_UM_S, LAST_SPAN_UM, SOLVE_SPAN_W_DEG, SOLVE_SPAN_Y_UM } from './array-fly-align.ts';
import type { ArrayAlignParams } from './array-schema.ts';
import { JOINT_ROUNDS } from './array-search.ts';

/** One exchange with an instrument on a LAN, s (round trip and processing). */
const EXCHANGE_S = 0.0015;
/** The system velocity the step flies at (µm/s; the same number in m°/s for U V W) and the path acceleration (µm/s²). */
const VELOCITY_UM_S = FLY_VELOCITY_UM_S;
const ACCELERATION_UM_S2 = 200_000;
/** Settling after a move before the controller reports on target, s. */
const SETTLE_S = 0.01;
/** A line's fixed exchanges besides one log fetch and one log wait per port. */
const LINE_EXCHANGES = 8;
/**
 * Lines carried on because their peak lay beyond the span's end, per run: seen, 51 in 100 runs on the
 * simulated bench (seeds 1–100, mostly tip lines), counted at a tip line's cost.
 */
const REPEATED_LINES = 0.5;

/** A trapezoidal (or, when short, triangular) move of `d` µm (or m°), s. */
export function moveTime_s(d: number): number {
  if (!(d > 0)) return 0;
  const v = VELOCITY_UM_S;
  const a = ACCELERATION_UM_S2;
  return d < (v * v) / a ? 2 * Math.sqrt(d / a) : d / v + v / a;
}

const scale = (axis: PoseAxisName | 'roll'): number => ('UVW'.includes(axis) ? 1000 : 1);

/** One fly line of half span `span` on `axis` logging `ports` ports: the move to its start, the line, the exchanges. */
function line_s(axis: PoseAxisName | 'roll', span: number, ports: number, moveToStart = true): number {
  const d = 2 * span * scale(axis);
  return (moveToStart ? moveTime_s(d / 2) + SETTLE_S : 0) + moveTime_s(d) + SETTLE_S + (LINE_EXCHANGES + 2 * ports) * EXCHANGE_S;
}

export function estimateFlyAlign_s(p: ArrayAlignParams): number {
  const ports = p.channels.length + 1;
  // As the raster flies it (firstLightFly): rows and their ends within a half row pitch of the square's edge.
  const reach = Math.max(0, p.search_radius - p.row_pitch / 2);
  const rows = 2 * Math.ceil(reach / p.row_pitch - 1e-9) + 1;
  const row = moveTime_s(2 * reach) + moveTime_s(p.row_pitch) + 2 * SETTLE_S + (LINE_EXCHANGES + 4) * EXCHANGE_S;
  const firstLight = Math.ceil(rows / 2) * row;
  const rounds: [PoseAxisName | 'roll', number][] = [
    ['Y', FIRST_ROLL_SPAN_UM],
    ...FLY_ROUNDS.filter(([axis]) => axis === 'roll' ? p.axes.includes('W') : p.axes.includes(axis)).map(([a, s]) => [a, s] as [PoseAxisName | 'roll', number]),
    ...(p.axes.includes('W') ? [['W', SOLVE_SPAN_W_DEG], ['Y', SOLVE_SPAN_Y_UM]] as [PoseAxisName, number][] : []),
    // Without roll the last Y line is flown on its own; with roll the solve's Y line is the last.
    ...(p.axes.includes('W') ? [] : [['Y', LAST_SPAN_UM]] as [PoseAxisName, number][]),
  ];
  const tipSpan = FLY_ROUNDS.find(([axis]) => axis === 'U')?.[1] ?? 0.2;
  // With tip, tilt and roll listed, the tilt line starts where the tip line ends, and the roll solve's W
  // line where the last of them ends (array-fly-align.ts): no move to their starts.
  const lShape = p.axes.includes('U') && p.axes.includes('V') && p.axes.includes('W');
  const wChained = p.axes.includes('W') && (p.axes.includes('U') || p.axes.includes('V'));
  const noMove = (axis: PoseAxisName | 'roll'): boolean => (lShape && axis === 'V') || (wChained && axis === 'W');
  const lines = rounds.reduce((t, [axis, span]) => t + line_s(axis, span, ports, !noMove(axis)), 0) + REPEATED_LINES * line_s('U', tipSpan, ports);
  const setup = 2 * ports * EXCHANGE_S;
  return setup + firstLight + lines + p.final_averaging + (p.track?.for ?? 0);
}

/** Step-and-read: one move and one reading of every channel per point. */
export function estimateStepAlign_s(p: ArrayAlignParams): number {
  const perReading = 0.012 + p.averaging;
  const spiral = Math.PI * (p.search_radius / p.pitch) ** 2 / 2;
  const joint = JOINT_ROUNDS.reduce((t, [, , n, f]) => t + n * (0.012 + f * p.averaging), 0);
  return spiral * perReading + 30 * perReading + joint + 10 * (0.012 + 5 * p.averaging) + p.final_averaging + (p.track?.for ?? 0);
}

export function estimateArrayAlign_s(p: ArrayAlignParams, fly: boolean): number {
  return fly ? estimateFlyAlign_s(p) : estimateStepAlign_s(p);
}
