// The simulated bench the alignment tests and benchmark drive: a VirtualBench in fast mode, opened
// through the real drivers (in-process SIM:: resources) with the roles alignment needs, laser on at
// 1550 nm, the fiber array lowered to the nominal working height over a site.
import { parse, stringify } from 'yaml';
import { openBench, parseBenchFile } from '../../../drivers/bench/index.ts';
import type { Bench } from '../../../drivers/bench/index.ts';
import type { DriverDescriptor } from '../../../drivers/driver.ts';
import { keysightN774xDescriptor } from '../../../drivers/instruments/keysight-n774x.ts';
import { keysightN777xDescriptor } from '../../../drivers/instruments/keysight-n777x.ts';
import { newportEsp301 } from '../../../drivers/instruments/newport-esp301.ts';
import { piGcs } from '../../../drivers/instruments/pi-gcs.ts';
import { scpiStage } from '../../../drivers/instruments/scpi-stage.ts';
import { simBenchFileYaml } from '../../../sim/link/bench-file.ts';
import { VirtualBench } from '../../../sim/index.ts';
import { CHIP_SURFACE_Z_UM, NOMINAL_WORKING_GAP_UM, nominalSite } from '../../../sim/world/layout.ts';

const DRIVERS: readonly DriverDescriptor[] = [scpiStage, newportEsp301, piGcs, keysightN774xDescriptor, keysightN777xDescriptor];
const ROLES = ['laser', 'meter', 'stage'];

/** The stage controller front end the bench drives: simulator role and driver. */
export const STAGE_FRONT_ENDS = {
  scpi: { role: 'stage', driver: 'scpi-stage' },
  esp301: { role: 'stage-esp', driver: 'newport-esp301' },
  pi: { role: 'stage-pi', driver: 'pi-gcs' },
} as const;
export type StageFrontEnd = keyof typeof STAGE_FRONT_ENDS;

export interface AlignSim {
  sim: VirtualBench;
  bench: Bench;
  close(): Promise<void>;
}

export interface AlignSimOptions {
  seed: number;
  drift_um_per_h?: number;
  laserOn?: boolean;
  stage?: StageFrontEnd;
  /** Reach the simulator over loopback TCP (as `benchctl sim` serves it) instead of in-process links. */
  tcp?: boolean;
  /** The simulator on its real-time clock (as `benchctl sim --realtime`). */
  realtime?: boolean;
  /** The simulator's timing profile (default 'ideal', as in the unit tests; benchmarks pass 'lan'). */
  timing?: 'ideal' | 'lan' | 'serial';
  /**
   * PI stage only: its trigger output 1 is cabled to the meter's trigger input and the bench file says so
   * (`options: { trigger_output: 1 }`), so fly logs start by hardware. Default true.
   */
  hardwareTrigger?: boolean;
}

export async function openAlignSim(opts: AlignSimOptions): Promise<AlignSim> {
  const sim = new VirtualBench({ seed: opts.seed, mode: opts.realtime ? 'realtime' : 'fast', timing: opts.timing ?? 'ideal', ...(opts.drift_um_per_h !== undefined ? { drift_um_per_h: opts.drift_um_per_h } : {}) });
  const served = opts.tcp ? await sim.serveTcp({ portBase: 0 }) : undefined;
  const resource = (role: string): string => (served ? served.resource(role) : `SIM::${role}`);
  // The simulator's own bench file, cut down to the roles alignment drives (the drivers of the others
  // need not be registered for these tests).
  const file = parse(simBenchFileYaml({ seed: opts.seed, mode: 'fast', tcp: Object.fromEntries([...ROLES, 'stage-esp', 'stage-pi'].map((r) => [r, resource(r)])) })) as {
    instruments: Record<string, unknown>;
  };
  for (const role of Object.keys(file.instruments)) if (!ROLES.includes(role)) delete file.instruments[role];
  const front = STAGE_FRONT_ENDS[opts.stage ?? 'scpi'];
  // Another controller dialect over the same simulated stage: its resource and driver (terminators and
  // the rest are the driver's defaults).
  const stage = file.instruments['stage'] as Record<string, unknown>;
  const trigger = front.driver === 'pi-gcs' && (opts.hardwareTrigger ?? true);
  file.instruments['stage'] = {
    resource: resource(front.role), driver: front.driver, timeout_ms: stage['timeout_ms'], axes: stage['axes'],
    ...(trigger ? { options: { trigger_output: 1 } } : {}),
  };
  const config = parseBenchFile(stringify(file), {
    file: `simulated bench (seed ${opts.seed})`,
    drivers: DRIVERS.map(({ name, kind }) => ({ name, kind })),
  });
  const bench = await openBench(config, { inProcess: sim, drivers: DRIVERS });
  await bench.laser.setWavelength_nm(1550);
  await bench.laser.setPower_dBm(0);
  await bench.laser.setOutput(opts.laserOn ?? true);
  await bench.meter.setWavelength_nm(1, 1550);
  // The VOA powers up with its shutter closed; open it straight on the simulated instrument (setup, not
  // what is under test — the VOA's driver is not needed for alignment).
  await sim.instrument('voa').execute(':INP1:ATT 0DB;:OUTP1:STAT 1');
  return {
    sim,
    bench,
    async close() {
      await bench.close();
      await sim.close();
    },
  };
}

/** Moves the fiber array over site k's nominal position (plus an offset) at the nominal working height. */
export async function goToSite(bench: Bench, k: number, offset_um: { x_um: number; y_um: number } = { x_um: 0, y_um: 0 }): Promise<{ x_um: number; y_um: number }> {
  const site = nominalSite(k);
  const target = { x_um: site.x_um + offset_um.x_um, y_um: site.y_um + offset_um.y_um };
  await bench.stage.moveAbsolute_um({ Z: CHIP_SURFACE_Z_UM + NOMINAL_WORKING_GAP_UM, X: target.x_um, Y: target.y_um });
  await bench.stage.waitForMotion();
  return target;
}
