// Manual control of the laser, meter, VOA and stage (BERT in bert-control.ts): each call picks its role,
// runs through BenchHolder.call (refused while a run owns the bench, failures recorded against the role)
// and answers with the instrument's state read back, not with what was asked.
import type { BenchInstrument } from '../drivers/bench/index.ts';
import type { PowerMeter } from '../drivers/roles/power-meter.ts';
import type { Stage } from '../drivers/roles/stage.ts';
import type { TunableLaser } from '../drivers/roles/tunable-laser.ts';
import type { RoleRequest } from './bench-api.ts';
import type {
  LaserSettings, LaserState, MeterChannelState, MeterReading, MeterSettings, StageState, VoaSettings, VoaState,
} from './bench-types.ts';
import type { BenchHolder } from './bench-holder.ts';
import { ServiceRoleError } from './errors.ts';
import type { BenchEventHub } from './event-hub.ts';
import { dbmForJson, dbmToMwForJson } from './json-numbers.ts';

/** Longest a manual stage move may take before the axis is stopped. */
const MOVE_TIMEOUT_S = 120;
const SETTLE_TIMEOUT_S = 30;

export class ManualControl {
  private readonly holder: BenchHolder;
  private readonly hub: BenchEventHub;

  constructor(holder: BenchHolder, hub: BenchEventHub) {
    this.holder = holder;
    this.hub = hub;
  }

  async laserState(req?: RoleRequest): Promise<LaserState> {
    const inst = this.holder.laser(req?.role, 'laserState');
    return this.pushed(await this.holder.call(inst, 'laserState', () => readLaser(inst.role, inst.driver)));
  }

  /** Every laser state read goes to every window too (laser-watch.ts): the emission must show everywhere at once. */
  private pushed(state: LaserState): LaserState {
    this.hub.emit('laser', { role: state.role, state, error: null, time: new Date().toISOString() });
    return state;
  }

  /** Off first when switching off, on last when switching on: the beam never comes on at the old settings. */
  async setLaser(req: LaserSettings): Promise<LaserState> {
    const inst = this.holder.laser(req.role, 'setLaser');
    const laser = inst.driver;
    return this.holder.call(inst, 'setLaser', async () => {
      if (req.output === false) await laser.setOutput(false);
      if (req.wavelength_nm !== undefined) await laser.setWavelength_nm(req.wavelength_nm);
      if (req.power_dBm !== undefined) await laser.setPower_dBm(req.power_dBm);
      if (req.wavelength_nm !== undefined || req.power_dBm !== undefined) await laser.waitSettled(SETTLE_TIMEOUT_S);
      if (req.output === true) await laser.setOutput(true);
      return this.pushed(await readLaser(inst.role, laser));
    });
  }

  async readMeter(req?: RoleRequest & { channels?: number[] }): Promise<MeterReading> {
    const inst = this.holder.meter(req?.role, 'readMeter');
    const channels = checkChannels(inst, req?.channels, 'readMeter');
    return this.holder.call(inst, 'readMeter', () => this.readChannels(inst.role, inst.driver, channels));
  }

  async setMeter(req: MeterSettings): Promise<MeterChannelState> {
    const inst = this.holder.meter(req.role, 'setMeter');
    const [channel] = checkChannels(inst, [req.channel], 'setMeter') as [number];
    const meter = inst.driver;
    return this.holder.call(inst, 'setMeter', async () => {
      if (req.wavelength_nm !== undefined) await meter.setWavelength_nm(channel, req.wavelength_nm);
      if (req.averagingTime_s !== undefined) await meter.setAveragingTime_s(channel, req.averagingTime_s);
      if (req.autoRange !== undefined) await meter.setAutoRange(channel, req.autoRange);
      return {
        role: inst.role,
        channel,
        wavelength_nm: await meter.wavelength_nm(channel),
        averagingTime_s: await meter.averagingTime_s(channel),
        autoRange: await meter.autoRange(channel),
      };
    });
  }

  async stageState(req?: RoleRequest): Promise<StageState> {
    const inst = this.holder.stage(req?.role, 'stageState');
    return this.holder.call(inst, 'stageState', () => readStage(inst.role, inst.driver));
  }

  async jogStage(req: RoleRequest & { axis: string; delta_um: number }): Promise<StageState> {
    const inst = this.holder.stage(req.role, 'jogStage');
    return this.move(inst, 'jogStage', req.axis, () => inst.driver.moveRelative_um(req.axis, req.delta_um));
  }

  async moveStage(req: RoleRequest & { axis: string; target_um: number }): Promise<StageState> {
    const inst = this.holder.stage(req.role, 'moveStage');
    return this.move(inst, 'moveStage', req.axis, () => inst.driver.moveAbsolute_um(req.axis, req.target_um));
  }

  async stopStage(req?: RoleRequest): Promise<StageState> {
    // Stopping is what one does in a hurry: allowed whatever owns the bench.
    const bench = this.holder.require('stopStage');
    const inst = this.holder.roleOf(bench, 'stage', req?.role, 'stopStage') as BenchInstrument & { driver: Stage };
    return this.holder.call(inst, 'stopStage', async () => {
      await inst.driver.stop();
      const state = await readStage(inst.role, inst.driver);
      this.hub.emit('stage', state);
      return state;
    });
  }

  async voaState(req?: RoleRequest): Promise<VoaState> {
    const inst = this.holder.voa(req?.role, 'voaState');
    return this.holder.call(inst, 'voaState', () => this.readVoa(inst));
  }

  async setVoa(req: VoaSettings): Promise<VoaState> {
    const inst = this.holder.voa(req.role, 'setVoa');
    const voa = inst.driver;
    return this.holder.call(inst, 'setVoa', async () => {
      if (req.wavelength_nm !== undefined) await voa.setWavelength_nm(req.wavelength_nm);
      if (req.attenuation_dB !== undefined) await voa.setAttenuation_dB(req.attenuation_dB);
      if (req.output !== undefined) await voa.setOutput(req.output);
      return this.readVoa(inst);
    });
  }

  private async readVoa(inst: ReturnType<BenchHolder['voa']>): Promise<VoaState> {
    const voa = inst.driver;
    return {
      role: inst.role,
      attenuation_dB: await voa.attenuation_dB(),
      wavelength_nm: await voa.wavelength_nm(),
      output: await voa.output(),
      hasPowerControl: voa.hasPowerControl,
    };
  }

  private async readChannels(role: string, meter: PowerMeter, channels: number[]): Promise<MeterReading> {
    // One round trip for all channels; pick the asked ones from it.
    const all = await meter.readAll_dBm();
    const readings = channels.map((channel) => {
      const dBm = all[meter.channels.indexOf(channel)] ?? NaN;
      return { channel, power_dBm: dbmForJson(dBm), power_mW: dbmToMwForJson(dBm) };
    });
    return { role, time: new Date().toISOString(), benchTime_s: this.holder.benchTime_s(), channels: readings };
  }

  private move(inst: BenchInstrument & { driver: Stage }, op: string, axis: string, start: () => Promise<void>): Promise<StageState> {
    return this.holder.call(inst, op, async () => {
      await start();
      await inst.driver.waitForMotion({ axes: [axis], timeout_s: MOVE_TIMEOUT_S });
      const state = await readStage(inst.role, inst.driver);
      this.hub.emit('stage', state);
      return state;
    });
  }
}

async function readLaser(role: string, laser: TunableLaser): Promise<LaserState> {
  const l = laser.limits;
  return {
    role,
    wavelength_nm: await laser.wavelength_nm(),
    power_dBm: await laser.power_dBm(),
    output: await laser.output(),
    limits: { wavelength_nm: { ...l.wavelength_nm }, power_dBm: { ...l.power_dBm } },
  };
}

export async function readStage(role: string, stage: Stage): Promise<StageState> {
  const positions = await stage.positions_um();
  return {
    role,
    axes: stage.axes.map((axis) => {
      const { min_um, max_um } = stage.softLimits(axis);
      const position_um = positions[axis] ?? NaN;
      // Within a tenth of a micrometre of a limit counts as at it: encoders round, the limit check does not.
      return { axis, min_um, max_um, position_um, atMin: position_um <= min_um + 0.1, atMax: position_um >= max_um - 0.1 };
    }),
  };
}

function checkChannels(inst: BenchInstrument & { driver: PowerMeter }, asked: number[] | undefined, op: string): number[] {
  const known = inst.driver.channels;
  if (!asked) return [...known];
  const bad = asked.filter((c) => !known.includes(c));
  if (bad.length) throw new ServiceRoleError(`${op}: meter '${inst.role}' has no channel ${bad.join(', ')}; its channels are ${known.join(', ')}`);
  return asked;
}
