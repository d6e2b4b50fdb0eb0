// Six-axis poses (X Y Z in µm, U V W in degrees) and their rotation matrices, shared by the hexapod's
// mechanics and the fiber array's optics. Rotation convention (the sim's choice, written down so the
// driver and the tests agree): U about X, V about Y, W about Z, all about fixed axes, applied U first,
// then V, then W — R = Rz(W)·Ry(V)·Rx(U). Rotations turn about the pivot point; X Y Z move it.

export interface Pose {
  x_um: number;
  y_um: number;
  z_um: number;
  u_deg: number;
  v_deg: number;
  w_deg: number;
}

export type Vec3 = readonly [number, number, number];
export type Mat3 = readonly [Vec3, Vec3, Vec3];

export const ZERO_POSE: Pose = Object.freeze({ x_um: 0, y_um: 0, z_um: 0, u_deg: 0, v_deg: 0, w_deg: 0 });
export const POSE_AXES = ['X', 'Y', 'Z', 'U', 'V', 'W'] as const;
export type PoseAxis = (typeof POSE_AXES)[number];
const KEYS: Readonly<Record<PoseAxis, keyof Pose>> = { X: 'x_um', Y: 'y_um', Z: 'z_um', U: 'u_deg', V: 'v_deg', W: 'w_deg' };

export function poseKey(axis: PoseAxis): keyof Pose {
  return KEYS[axis];
}

export function poseValue(p: Pose, axis: PoseAxis): number {
  return p[KEYS[axis]];
}

export function withAxis(p: Pose, axis: PoseAxis, value: number): Pose {
  return { ...p, [KEYS[axis]]: value };
}

const RAD = Math.PI / 180;

export function rotation(u_deg: number, v_deg: number, w_deg: number): Mat3 {
  const [cu, su] = [Math.cos(u_deg * RAD), Math.sin(u_deg * RAD)];
  const [cv, sv] = [Math.cos(v_deg * RAD), Math.sin(v_deg * RAD)];
  const [cw, sw] = [Math.cos(w_deg * RAD), Math.sin(w_deg * RAD)];
  // Rz(W)·Ry(V)·Rx(U), written out.
  return [
    [cw * cv, cw * sv * su - sw * cu, cw * sv * cu + sw * su],
    [sw * cv, sw * sv * su + cw * cu, sw * sv * cu - cw * su],
    [-sv, cv * su, cv * cu],
  ];
}

export function apply(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
    m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
    m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
  ];
}

export function transpose(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

export function multiply(a: Mat3, b: Mat3): Mat3 {
  const c0 = apply(a, [b[0][0], b[1][0], b[2][0]]);
  const c1 = apply(a, [b[0][1], b[1][1], b[2][1]]);
  const c2 = apply(a, [b[0][2], b[1][2], b[2][2]]);
  return [
    [c0[0], c1[0], c2[0]],
    [c0[1], c1[1], c2[1]],
    [c0[2], c1[2], c2[2]],
  ];
}

/** Where platform point p (platform coordinates, µm) is at pose `pose` turning about pivot `pivot` (µm). */
export function placePoint(pose: Pose, pivot: Vec3, p: Vec3): Vec3 {
  const r = rotation(pose.u_deg, pose.v_deg, pose.w_deg);
  const q = apply(r, [p[0] - pivot[0], p[1] - pivot[1], p[2] - pivot[2]]);
  return [pose.x_um + pivot[0] + q[0], pose.y_um + pivot[1] + q[1], pose.z_um + pivot[2] + q[2]];
}

/** The pose that puts every platform point where `pose` about `from` does, expressed about pivot `to`. */
export function rePivot(pose: Pose, from: Vec3, to: Vec3): Pose {
  const at = placePoint(pose, from, to);
  return { ...pose, x_um: at[0] - to[0], y_um: at[1] - to[1], z_um: at[2] - to[2] };
}

export function interpolatePose(a: Pose, b: Pose, s: number): Pose {
  const mix = (x: number, y: number): number => x + (y - x) * s;
  return {
    x_um: mix(a.x_um, b.x_um),
    y_um: mix(a.y_um, b.y_um),
    z_um: mix(a.z_um, b.z_um),
    u_deg: mix(a.u_deg, b.u_deg),
    v_deg: mix(a.v_deg, b.v_deg),
    w_deg: mix(a.w_deg, b.w_deg),
  };
}
