// Errors a driver raises before anything reaches the wire: a value the instrument would refuse, or a
// feature the model does not have. Both name the resource and the setting so a log line is enough.

/** A value was refused by the driver's validation; nothing was sent to the instrument. */
export class InvalidSettingError extends RangeError {
  readonly resource: string;
  /** The setting or argument, e.g. 'wavelength_nm' or 'configureSweep.speed_nm_s'. */
  readonly setting: string;
  readonly value: unknown;
  /** What the driver accepts, e.g. '1480…1640 nm'. */
  readonly expected: string;

  constructor(resource: string, setting: string, value: unknown, expected: string) {
    super(`${resource}: ${setting} = ${describeValue(value)} refused (nothing sent): expected ${expected}`);
    this.name = 'InvalidSettingError';
    this.resource = resource;
    this.setting = setting;
    this.value = value;
    this.expected = expected;
  }
}

/** The instrument model has no such feature (e.g. power-setpoint mode on a VOA without a monitor). */
export class UnsupportedFeatureError extends Error {
  readonly resource: string;
  readonly feature: string;
  readonly model: string;

  constructor(resource: string, feature: string, model: string, detail?: string) {
    super(`${resource}: ${feature} is not available on ${model}${detail ? ` (${detail})` : ''}; nothing was sent`);
    this.name = 'UnsupportedFeatureError';
    this.resource = resource;
    this.feature = feature;
    this.model = model;
  }
}

/** A driver option from the bench file (`options:`) is malformed. */
export class DriverOptionError extends Error {
  readonly driver: string;
  /** The option's path inside `options:`, e.g. 'slot' or 'channels.1'; '(options)' for the map itself. */
  readonly option: string;
  /** What is wrong with it, e.g. 'must be [min, max] with min < max'. */
  readonly problem: string;

  constructor(driver: string, option: string, problem: string) {
    super(`driver '${driver}': option '${option}' ${problem}`);
    this.name = 'DriverOptionError';
    this.driver = driver;
    this.option = option;
    this.problem = problem;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The instrument is not in a state where the request makes sense (waiting for a log that was never started). */
export class InstrumentStateError extends Error {
  readonly resource: string;

  constructor(resource: string, request: string, state: string) {
    super(`${resource}: cannot ${request}: ${state}`);
    this.name = 'InstrumentStateError';
    this.resource = resource;
  }
}
