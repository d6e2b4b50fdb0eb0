// The fiber array's optics: each channel couples through its own offset from its own coupler, so the
// hidden chip pose decides every channel at once; rotations turn about the pivot; the cure pulls.
import { describe, expect, it } from 'vitest';
import { VirtualBench } from '../../../../sim/index.ts';
import { FastClock } from '../../../../sim/clock.ts';
import { HexapodMotion } from '../../../../sim/motion/hexapod-motion.ts';
import { ARRAY_FACET_UM, FiberArrayChip, checkFiberArray, drawArrayChip, emissionAngle_deg, fiberTip, DEFAULT_FIBER_ARRAY } from '../../../../sim/world/fiber-array.ts';
import type { ArrayChipTruth } from '../../../../sim/world/fiber-array.ts';
import { SeededRandom } from '../../../../sim/random.ts';
import { placePoint, rotation, rePivot } from '../../../../sim/world/pose.ts';

const flat: ArrayChipTruth = {
  offset_um: { x_um: 0, y_um: 0 }, roll_deg: 0, tip_deg: 0, tilt_deg: 0, surfaceDepth_um: 20, bestGap_um: 20,
  couplerOffsets_um: Array.from({ length: 8 }, () => ({ x_um: 0, y_um: 0 })),
  couplers: Array.from({ length: 8 }, () => ({ centre_nm: 1550, bandwidth1dB_nm: 30, peakLoss_dB: 3 })),
  chipModeRadius_um: Array.from({ length: 8 }, () => 5.2), loopbackLoss_dB: [1], mirrorLoss_dB: Array.from({ length: 8 }, () => 1),
};

describe('fiber array over a coupler row', () => {
  it('couples every channel at the matched pose, at the grating loss alone', () => {
    const chip = new FiberArrayChip(DEFAULT_FIBER_ARRAY, flat);
    for (let f = 1; f <= 8; f++) {
      const g = chip.geometry(f, fiberTip(DEFAULT_FIBER_ARRAY, f), rotation(0, 0, 0));
      expect(g.dx_um).toBeCloseTo(0, 9);
      expect(g.gap_um).toBeCloseTo(20, 9);
      expect(10 * Math.log10(chip.coupling(f, g, 1550))).toBeCloseTo(-3, 6);
    }
  });

  it('a chip roll offsets the outer channels in Y by ±(distance from centre)·sin(roll), the inner ones less', () => {
    const chip = new FiberArrayChip(DEFAULT_FIBER_ARRAY, { ...flat, roll_deg: 0.5 });
    const dy = (f: number): number => chip.geometry(f, fiberTip(DEFAULT_FIBER_ARRAY, f), rotation(0, 0, 0)).dy_um;
    expect(dy(8)).toBeCloseTo(-3.5 * 127 * Math.sin((0.5 * Math.PI) / 180), 3);
    expect(dy(1)).toBeCloseTo(-dy(8), 6);
    expect(Math.abs(dy(4))).toBeLessThan(Math.abs(dy(1)) / 5);
    const loss = (f: number): number => -10 * Math.log10(chip.coupling(f, chip.geometry(f, fiberTip(DEFAULT_FIBER_ARRAY, f), rotation(0, 0, 0)), 1550));
    expect(loss(1) - loss(4)).toBeGreaterThan(1);
  });

  it('the same rotation about another pivot moves the fiber tips sideways; about the facet it does not', () => {
    const tip = fiberTip(DEFAULT_FIBER_ARRAY, 4);
    const pose = { x_um: 0, y_um: 0, z_um: 0, u_deg: 0.2, v_deg: 0, w_deg: 0 };
    const aboutFacet = placePoint(pose, ARRAY_FACET_UM, tip);
    const aboutPlatform = placePoint(pose, [0, 0, 0], tip);
    expect(Math.abs(aboutFacet[1] - tip[1])).toBeLessThan(0.01);
    expect(Math.abs(aboutPlatform[1] - tip[1])).toBeGreaterThan(150); // 45 mm × sin 0.2°
    // rePivot keeps every point where it was.
    const re = rePivot(pose, [0, 0, 0], ARRAY_FACET_UM);
    const again = placePoint(re, ARRAY_FACET_UM, tip);
    for (let k = 0; k < 3; k++) expect(again[k]).toBeCloseTo(aboutPlatform[k] as number, 6);
  });

  it('an angle error costs coupling and shifts the grating (tip) — more than a tilt of the same size', () => {
    const chip = new FiberArrayChip(DEFAULT_FIBER_ARRAY, flat);
    const at = (u: number, v: number): number => chip.coupling(4, chip.geometry(4, fiberTip(DEFAULT_FIBER_ARRAY, 4), rotation(u, v, 0)), 1550);
    expect(at(1, 0)).toBeLessThan(at(0, 0));
    expect(at(0, 1)).toBeLessThan(at(0, 0));
    expect(at(1, 0)).toBeLessThan(at(0, 1));
  });

  it('a polished facet emits at the angle Snell gives; the couplers are designed for 8°', () => {
    expect(emissionAngle_deg(0)).toBe(0);
    expect(emissionAngle_deg(8)).toBeGreaterThan(3.5);
    expect(emissionAngle_deg(8)).toBeLessThan(4);
  });

  it('draws the hidden chip within the issue\'s starting errors', () => {
    for (let s = 0; s < 50; s++) {
      const t = drawArrayChip(DEFAULT_FIBER_ARRAY, new SeededRandom(s));
      expect(Math.abs(t.offset_um.x_um)).toBeLessThanOrEqual(50);
      expect(Math.abs(t.roll_deg)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(t.tip_deg)).toBeLessThanOrEqual(0.2);
      expect(Math.abs(t.surfaceDepth_um - t.bestGap_um)).toBeLessThanOrEqual(10);
    }
  });

  it('refuses a bad configuration naming the field', () => {
    expect(() => checkFiberArray({ ...DEFAULT_FIBER_ARRAY, count: 1 })).toThrow(/count must be an integer 2-64, got 1/);
    expect(() => checkFiberArray({ ...DEFAULT_FIBER_ARRAY, loopbacks: [[1, 9]] })).toThrow(/loopback fiber 9 must be 1-8/);
    expect(() => checkFiberArray({ ...DEFAULT_FIBER_ARRAY, loopbacks: [[1, 8], [8, 2]] })).toThrow(/fiber 8 is in two loopbacks/);
    expect(() => new VirtualBench({ fiberArray: { pitch_um: -1 } })).toThrow(/pitch_um must be a positive number/);
  });
});

describe('the array bench in the virtual bench', () => {
  it('a loopback pair reads the same light on both of its ports, a loop-mirror channel its own coupling squared', async () => {
    const vb = new VirtualBench({ seed: 3, drift_um_per_h: 0 });
    const truth = vb.truth().array;
    // Put the array on the chip: undo the hidden offset and rotation through the hexapod's own kinematics.
    const motion = (vb as unknown as { array: { hexapod: HexapodMotion; world: { powerAtMeter_W(p: number, t: number): number } } }).array;
    motion.hexapod.setPivot(ARRAY_FACET_UM);
    motion.hexapod.moveTo({ x_um: truth.chip.offset_um.x_um, y_um: truth.chip.offset_um.y_um, z_um: -(truth.chip.surfaceDepth_um - truth.chip.bestGap_um),
      u_deg: truth.chip.tip_deg, v_deg: truth.chip.tilt_deg, w_deg: truth.chip.roll_deg });
    await motion.hexapod.pollMotion();
    const c = vb.arrayCouplings();
    for (const x of c) expect(10 * Math.log10(x)).toBeGreaterThan(-5); // every channel near its peak
    const t = vb.benchTime_s();
    // The laser is off at power-on: the ports are dark.
    expect(motion.world.powerAtMeter_W(1, t)).toBe(0);
    await vb.close();
  });

  it('the cure pulls the array over about a minute and stops pulling', () => {
    const vb = new VirtualBench({ seed: 5 });
    const s = vb.startCure({ dx_um: 2, dz_um: -3, tau_s: 15 });
    expect(s).toEqual({ dx_um: 2, dz_um: -3, tau_s: 15 });
    const world = (vb as unknown as { array: { world: { cureOffset(t: number): { dx_um: number; dz_um: number } } } }).array.world;
    const t0 = vb.benchTime_s();
    expect(world.cureOffset(t0 + 60).dz_um).toBeLessThan(-2.9);
    expect(world.cureOffset(t0 + 15).dx_um).toBeCloseTo(2 * (1 - Math.exp(-1)), 6);
    expect(() => vb.startCure({ tau_s: 0 })).toThrow(/tau_s > 0/);
    const hex = new HexapodMotion(new FastClock());
    expect(hex.pose().x_um).toBe(0);
  });
});
