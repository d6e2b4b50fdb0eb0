// Keysight N7744A-style 4-port optical power meter. Port 1 sees the chip's output, port 2 the 1 % input
// monitor tap, ports 3–4 are dark (sim/world/README.md). Dialect: Keysight N77xx / 816x programming
// guides — SENSn:CHANm (m = 1 on N77 meters), READn/FETCn, logging with float32 results in W.
import {
  CommandTable,
  ScpiError,
  ScpiErrorCode,
  encodeDefiniteBlock,
  encodeFloats,
  formatBoolean,
  formatNR1,
  formatNR3,
  parseBoolean,
  parseEnum,
  parseNumeric,
} from '../../drivers/scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import { ScpiInstrument, settingHandlers, noParams, params, suffix } from '../scpi/index.ts';
import { METER_PORTS } from '../world/optical-world.ts';
import { METER_RANGES_DBM } from './meter-detector.ts';
import type { MeterOptics, Reading } from './meter-detector.ts';
import { MAX_LOGGING_POINTS } from './meter-logging.ts';
import type { TriggerInput } from './meter-logging.ts';
import { MeterPortState } from './meter-port.ts';
import type { MeterTriggerOutput } from './meter-port.ts';

const { setOrQuery } = settingHandlers();

export const METER_IDENTITY = 'Keysight Technologies,N7744A,MY54100321,1.210';
const WAVELENGTH_RANGE_M = { min: 1.25e-6, max: 1.65e-6 };
const ATIME_RANGE_S = { min: 1e-6, max: 10 };

export class KeysightMeter extends ScpiInstrument {
  readonly ports: readonly MeterPortState[];

  /** `opts.ports`: how many ports (default the N7744A's 4); `opts.role` (default 'meter'). */
  constructor(world: MeterOptics, clock: BenchClock, identity = METER_IDENTITY, opts: { ports?: number; role?: string } = {}) {
    super({ role: opts.role ?? 'meter', identity, clock });
    const ports = opts.ports === undefined ? [...METER_PORTS] : Array.from({ length: opts.ports }, (_, i) => i + 1);
    this.ports = ports.map((p) => new MeterPortState(world, clock, p));
    this.useCommands(METER_COMMANDS, this);
  }

  /** The port addressed by the header's first suffix (SENSn / READn / ...), channel suffix must be 1. */
  portOf(a: HandlerArgs): MeterPortState {
    const n = suffix(a, 0, 1, this.ports.length);
    if (a.match.suffixes.length > 1) suffix(a, 1, 1, 1);
    return this.ports[n - 1] as MeterPortState;
  }

  protected override reset(): void {
    for (const p of this.ports) p.reset();
  }

  protected override pendingUntil_s(): number {
    let until = this.clock.now_s();
    for (const p of this.ports) until = Math.max(until, p.logging.doneAt_s() ?? until);
    return until;
  }
}

/** A reading in the port's unit, or in dB relative to its reference when the port is in relative mode. */
function formatReading(r: Reading, p: MeterPortState, owner: KeysightMeter, watts = p.unitWatts): string {
  if (r.overrange) {
    owner.pushError(-231, `port ${p.port}: power over range`);
    return formatNR3(Number.NaN);
  }
  const dBm = 10 * Math.log10(r.power_W) + 30;
  if (p.relative) return formatNR3(dBm - p.reference_dBm);
  return formatNR3(watts ? r.power_W : dBm);
}


const SENS = ':SENSe#[:CHANnel#]';

const METER_COMMANDS = new CommandTable<KeysightMeter>()
  .add(`${SENS}:POWer:WAVelength[?]`, (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatNR3(p.settings.wavelength_nm * 1e-9), (t) => {
      p.changeSettings({ wavelength_nm: parseNumeric(t, { unit: 'M', ...WAVELENGTH_RANGE_M, default: 1.55e-6 }) * 1e9 });
    });
  })
  .add(`${SENS}:POWer:UNIT[?]`, (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatNR1(p.unitWatts ? 1 : 0), (t) => {
      const u = /^[01]$/.test(t.trim()) ? (t.trim() === '1' ? 'W' : 'DBM') : parseEnum(t, ['DBM', 'Watt']);
      p.unitWatts = u !== 'DBM';
    });
  })
  .add(`${SENS}:POWer:REFerence:STATe[?]`, (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatBoolean(p.relative), (t) => {
      p.logging.stop(m.clock.now_s());
      p.relative = parseBoolean(t);
    });
  })
  .add(`${SENS}:POWer:ATIMe[?]`, (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatNR3(p.settings.atime_s), (t) => {
      p.changeSettings({ atime_s: parseNumeric(t, { unit: 'S', ...ATIME_RANGE_S, default: 0.1 }) });
    });
  })
  .add(`${SENS}:POWer:RANGe:AUTO[?]`, (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatBoolean(p.settings.autoRange), (t) => p.changeSettings({ autoRange: parseBoolean(t) }));
  })
  .add(`${SENS}:POWer:RANGe[:UPPer][?]`, (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatNR3(p.settings.range_dBm), (t) => {
      const v = parseNumeric(t, { unit: 'DBM', min: METER_RANGES_DBM[0], max: METER_RANGES_DBM[METER_RANGES_DBM.length - 1], default: 0 });
      // The range moves in 10 dB steps: the value is rounded to the closest one (programming guide).
      p.changeSettings({ range_dBm: Math.round(v / 10) * 10, autoRange: false });
    });
  })
  .add(`${SENS}:FUNCtion:PARameter:LOGGing[?]`, (m, a) => {
    const p = m.portOf(a);
    if (a.match.query) {
      noParams(a);
      return `${formatNR1(p.logParams.points)},${formatNR3(p.logParams.atime_s)}`;
    }
    const [n, t] = params(a, 2);
    p.logging.stop(m.clock.now_s());
    p.logParams = {
      points: parseNumeric(n, { min: 1, max: MAX_LOGGING_POINTS, integer: true }),
      atime_s: parseNumeric(t, { unit: 'S', ...ATIME_RANGE_S }),
    };
    return undefined;
  })
  .add(`${SENS}:FUNCtion:STATe?`, async (m, a) => {
    noParams(a);
    const p = m.portOf(a);
    const done = p.logging.doneAt_s();
    // Fast mode: waiting is free, so polling a busy function jumps to its completion.
    if (m.clock.mode === 'fast' && done !== null) await m.clock.advanceTo(done);
    const s = p.logging.state(m.clock.now_s());
    if (s === 'none') return 'NONE,COMPLETE';
    return s === 'complete' ? 'LOGGING_STABILITY,COMPLETE' : 'LOGGING_STABILITY,PROGRESS';
  })
  .add(`${SENS}:FUNCtion:STATe`, (m, a) => {
    const [fn, action] = params(a, 2);
    const p = m.portOf(a);
    const which = parseEnum(fn, ['LOGGing', 'STABility', 'MINMax']);
    if (which !== 'LOGGing') throw new ScpiError(ScpiErrorCode.IllegalParameterValue, `'${fn}': only the LOGGing function is simulated`);
    const act = parseEnum(action, ['STARt', 'STOP']);
    const t = m.clock.now_s();
    if (act === 'STOP') p.logging.stop(t);
    else p.logging.start(p.logParams, p.settings, p.triggerIn, t);
    return undefined;
  })
  .add(`${SENS}:FUNCtion:RESult?`, (m, a) => {
    noParams(a);
    const p = m.portOf(a);
    // N774x meters log in the port's unit (LabExT PowerMeterN7744A); dBm when the unit is 0. Over range stays NaN.
    const w = p.logging.results(m.clock.now_s());
    // Relative mode logs dB relative to the reference, whatever the unit.
    const dB = (v: number): number => 10 * Math.log10(v) + 30 - (p.relative ? p.reference_dBm : 0);
    const values = p.unitWatts && !p.relative ? w : Array.from(w, dB);
    return encodeDefiniteBlock(encodeFloats(values, 'float32', 'little'));
  })
  .add(':READ#[:CHANnel#]:POWer:ALL:CSV?', async (m, a) => {
    noParams(a);
    for (const p of m.ports) p.refuseWhileLogging();
    const t0 = m.clock.now_s();
    await m.clock.advance(Math.max(...m.ports.map((p) => p.settings.atime_s)));
    return m.ports.map((p) => formatReading(p.measureAt(t0), p, m, true)).join(',');
  })
  .add(':FETCh#[:CHANnel#]:POWer:ALL:CSV?', (m, a) => {
    noParams(a);
    return m.ports.map((p) => formatReading(p.fetch(), p, m, true)).join(',');
  })
  .add(':READ#[:CHANnel#][:SCALar]:POWer[:DC]?', async (m, a) => {
    noParams(a);
    const p = m.portOf(a);
    return formatReading(await p.read(), p, m);
  })
  .add(':FETCh#[:CHANnel#][:SCALar]:POWer[:DC]?', (m, a) => {
    noParams(a);
    const p = m.portOf(a);
    return formatReading(p.fetch(), p, m);
  })
  .add(':INITiate#[:CHANnel#][:IMMediate]', async (m, a) => {
    noParams(a);
    await m.portOf(a).read();
    return undefined;
  })
  .add(':INITiate#[:CHANnel#]:CONTinuous[?]', (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => formatBoolean(p.continuous), (t) => (p.continuous = parseBoolean(t)));
  })
  .add(':TRIGger#[:CHANnel#]:INPut[?]', (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => p.triggerIn, (t) => {
      const v = parseEnum(t, ['IGNore', 'SMEasure', 'CMEasure']);
      p.triggerIn = v.replace(/[a-z]/g, '') as TriggerInput;
    });
  })
  .add(':TRIGger#[:CHANnel#]:OUTPut[?]', (m, a) => {
    const p = m.portOf(a);
    return setOrQuery(a, () => p.triggerOut, (t) => {
      p.triggerOut = parseEnum(t, ['DISabled', 'AVGover', 'MEASure']).replace(/[a-z]/g, '') as MeterTriggerOutput;
    });
  });
