// Thorlabs PM100D-style power meter console with an S155C InGaAs photodiode sensor, on the fiber that the
// Keysight meter's port 1 sees (the lab moved the fiber to the sensor). Served over USB (a USBTMC stand-in,
// sim/link/usbtmc-standin.ts), as the real console is. Dialect: the PM100D/PM100USB SCPI commands as
// PyMeasure's ThorlabsPM100USB and Thorlabs' own Light_Analysis_Examples use them — `SENS:CORR:WAV` in nm
// (`? MIN|MAX` the sensor's span), `MEAS:POW?` / `READ?` / `INIT` + `FETC?`, `SENS:POW:UNIT W|DBM`,
// `SENS:POW[:DC]:RANG[:UPP]` in W and `:AUTO`, `SENS:AVER[:COUN]` in samples of about 3 ms each, and
// `SYST:SENS:IDN?`.
import {
  CommandTable, ScpiError, ScpiErrorCode, formatBoolean, formatNR1, parseBoolean, parseEnum, parseNumeric, parseNumericWithUnit,
} from '../../drivers/scpi/index.ts';
import type { BenchClock } from '../clock.ts';
import type { SeededRandom } from '../random.ts';
import { ScpiInstrument, noParams, numericQuery, settingHandlers } from '../scpi/index.ts';
import type { HandlerArgs } from '../../drivers/scpi/index.ts';
import type { OpticalWorld } from '../world/optical-world.ts';
import { measure } from './meter-detector.ts';
import type { DetectorSettings, Reading } from './meter-detector.ts';

const { setOrQuery } = settingHandlers();

export const PM100_IDENTITY = 'Thorlabs,PM100D,P0012345,2.8.0';
/** Name, serial, calibration date, type, subtype, flags (289: power sensor, wavelength settable, thermistor). */
export const PM100_SENSOR_IDENTITY = 'S155C,220301234,01-Mar-2022,1,18,289';
/** The S155C's wavelength span, nm. */
export const PM100_WAVELENGTH_NM = { min: 800, max: 1700, default: 1550 };
/** Thorlabs: "Sets the averaging rate (1 sample takes approx. 3ms)". */
export const PM100_SAMPLE_S = 0.003;
const COUNT_LIMITS = { min: 1, max: 100_000 };
/** The S155C's ranges, W: 100 nW … 10 mW in decades (its +10 dBm maximum). */
const RANGES_W = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2];

/** Scientific notation as the console answers numbers, e.g. 1.550000E+03. */
function sci(n: number): string {
  return n.toExponential(6).toUpperCase().replace(/E([+-])(\d)$/, 'E$10$2');
}

export class ThorlabsPm100 extends ScpiInstrument {
  wavelength_nm = PM100_WAVELENGTH_NM.default;
  count = 1;
  autoRange = true;
  range_W = 1e-2;
  unitDbm = false;
  private last: Reading | null = null;
  private readonly rng: SeededRandom;

  constructor(private readonly world: OpticalWorld, clock: BenchClock, identity = PM100_IDENTITY) {
    super({ role: 'meter-pm100', identity, clock });
    this.rng = world.stream('pm100');
    this.useCommands(PM100_COMMANDS, this);
  }

  settings(): DetectorSettings {
    return { wavelength_nm: this.wavelength_nm, atime_s: this.count * PM100_SAMPLE_S, autoRange: this.autoRange, range_dBm: 10 * Math.log10(this.range_W) + 30 };
  }

  /** One measurement: spends count × 3 ms of bench time. */
  async measure(): Promise<Reading> {
    const t0 = this.clock.now_s();
    const s = this.settings();
    await this.clock.advance(s.atime_s);
    this.last = measure(this.world, 1, t0, s, this.rng);
    return this.last;
  }

  fetch(): Reading {
    if (!this.last) throw new ScpiError(-230, 'no measurement yet; send INIT or READ? first');
    return this.last;
  }

  /** Over range the console answers the largest float (9.91E37, SCPI's NaN stand-in) and queues -231. */
  powerText(r: Reading): string {
    if (r.overrange) {
      this.pushError(-231, 'sensor over range');
      return '9.910000E+37';
    }
    return this.unitDbm ? sci(10 * Math.log10(Math.max(r.power_W, 1e-15)) + 30) : sci(r.power_W);
  }

  protected override reset(): void {
    this.wavelength_nm = PM100_WAVELENGTH_NM.default;
    this.count = 1;
    this.autoRange = true;
    this.range_W = 1e-2;
    this.unitDbm = false;
    this.last = null;
  }
}

function wavelengthParam(token: string): number {
  const { value, unit } = parseNumericWithUnit(token, ['M']);
  const nm = unit === 'M' ? value * 1e9 : value;
  const { min, max } = PM100_WAVELENGTH_NM;
  if (!(nm >= min && nm <= max)) throw new ScpiError(ScpiErrorCode.DataOutOfRange, `'${token}' is outside the sensor's ${min}…${max} nm`);
  return nm;
}

function rangeParam(s: ThorlabsPm100, token: string): void {
  const w = parseNumeric(token, { min: 0 });
  // The console picks the smallest range that holds the value asked for.
  s.range_W = RANGES_W.find((r) => r >= w) ?? (RANGES_W[RANGES_W.length - 1] as number);
  s.autoRange = false;
}

const measureAndAnswer = async (s: ThorlabsPm100, a: HandlerArgs): Promise<string> => {
  noParams(a);
  return s.powerText(await s.measure());
};

const PM100_COMMANDS = new CommandTable<ThorlabsPm100>()
  .add('[:SENSe]:CORRection:WAVelength[?]', (s, a) => {
    if (a.match.query) return sci(numericQuery(a, () => s.wavelength_nm, PM100_WAVELENGTH_NM));
    return setOrQuery(a, () => '', (t) => (s.wavelength_nm = wavelengthParam(t)));
  })
  .add('[:SENSe]:AVERage[:COUNt][?]', (s, a) =>
    setOrQuery(a, () => formatNR1(s.count), (t) => (s.count = parseNumeric(t, { ...COUNT_LIMITS, integer: true }))))
  .add('[:SENSe]:POWer[:DC]:RANGe:AUTO[?]', (s, a) => setOrQuery(a, () => formatBoolean(s.autoRange), (t) => (s.autoRange = parseBoolean(t))))
  .add('[:SENSe]:POWer[:DC]:RANGe[:UPPer][?]', (s, a) => setOrQuery(a, () => sci(s.range_W), (t) => rangeParam(s, t)))
  .add('[:SENSe]:POWer[:DC]:UNIT[?]', (s, a) =>
    setOrQuery(a, () => (s.unitDbm ? 'DBM' : 'W'), (t) => (s.unitDbm = parseEnum(t, ['W', 'DBM']) === 'DBM')))
  .add(':SYSTem:SENSor:IDN?', (s, a) => (noParams(a), PM100_SENSOR_IDENTITY))
  .add(':CONFigure[:SCALar]:POWer', (s, a) => (noParams(a), undefined))
  .add(':MEASure[:SCALar]:POWer?', measureAndAnswer)
  .add(':READ?', measureAndAnswer)
  .add(':INITiate[:IMMediate]', async (s, a) => {
    noParams(a);
    await s.measure();
    return undefined;
  })
  .add(':FETCh?', (s, a) => (noParams(a), s.powerText(s.fetch())));
