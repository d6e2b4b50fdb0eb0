// Bench files: the agreed shape loads into per-role settings, and every mistake is reported with its file,
// line, role and field, what was expected and what was found.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchFileError } from '../../../drivers/bench/bench-file-errors.ts';
import { loadBenchFile, parseBenchFile } from '../../../drivers/bench/bench-file.ts';
import type { DriverInfo } from '../../../drivers/bench/bench-schema.ts';
import { roleKindOf } from '../../../drivers/bench/bench-schema.ts';
import { driverInfos } from '../../../drivers/bench/registry.ts';

const DRIVERS: DriverInfo[] = [
  { name: 'keysight-n774x', kind: 'meter' },
  { name: 'keysight-n777x', kind: 'laser' },
  { name: 'newport-esp301', kind: 'stage' },
  { name: 'scpi-stage', kind: 'stage' },
];

const GOOD = `# benchctl bench file
name: simulated bench (seed 1)
instruments:
  laser:
    resource: TCPIP0::127.0.0.1::5026::SOCKET
    driver: keysight-n777x
    timeout_ms: 2000
    options: { source: 1 }
  meter:
    resource: SIM::meter
    driver: auto
  stage:
    resource: ASRL/tmp/benchctl-sim-xyz/esp301::INSTR
    driver: newport-esp301
    baud_rate: 921600
    data_bits: 8
    parity: none
    stop_bits: 1
    flow_control: none
    read_termination: "\\r\\n"
    write_termination: "\\r"
    connect_timeout_ms: 500
    query_delay_ms: 0
    check_errors: false
    axes:
      X: { axis: 1, min_um: 0, max_um: 25000, home_um: 0 }
      Y: { axis: 2, min_um: 0, max_um: 25000 }
      Z: { axis: 3, min_um: 5008, max_um: 10000, home_um: 0, home_safe: true }
`;

function errorOf(text: string): BenchFileError {
  try {
    parseBenchFile(text, { file: 'bench.yaml', drivers: DRIVERS });
  } catch (err) {
    if (err instanceof BenchFileError) return err;
    throw err;
  }
  throw new Error('expected a BenchFileError');
}

/** A bench file with one instrument entry (indented lines after `  <role>:`). */
function oneRole(role: string, body: string): string {
  return `instruments:\n  ${role}:\n${body.split('\n').filter(Boolean).map((l) => `    ${l}`).join('\n')}\n`;
}

describe('parseBenchFile: the agreed shape', () => {
  it('loads roles, drivers, session settings in the session names, options and axes', () => {
    const b = parseBenchFile(GOOD, { file: 'bench.yaml', drivers: DRIVERS });
    expect(b.name).toBe('simulated bench (seed 1)');
    expect(b.instruments.map((i) => i.role)).toEqual(['laser', 'meter', 'stage']);
    const [laser, meter, stage] = b.instruments;
    expect(laser).toMatchObject({ driver: 'keysight-n777x', session: { timeout_ms: 2000 }, options: { source: 1 }, source: { file: 'bench.yaml', line: 4 } });
    expect(meter).toMatchObject({ resource: 'SIM::meter', driver: 'auto', session: {}, options: {} });
    expect(meter?.axes).toBeUndefined();
    expect(stage?.session).toEqual({
      baudRate: 921600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none', readTermination: '\r\n', writeTermination: '\r',
      connectTimeout_ms: 500, queryDelay_ms: 0, checkErrors: false,
    });
    expect(stage?.axes).toEqual({
      X: { axis: 1, min_um: 0, max_um: 25_000, home_um: 0 },
      Y: { axis: 2, min_um: 0, max_um: 25_000 },
      Z: { axis: 3, min_um: 5008, max_um: 10_000, home_um: 0, home_safe: true },
    });
    expect(stage?.source?.line).toBe(12);
  });

  it('names the bench after the file when the file has no name', () => {
    expect(parseBenchFile(oneRole('meter', 'resource: SIM::meter\ndriver: auto'), { file: 'x.yaml', drivers: DRIVERS }).name).toBe('x.yaml');
  });

  it('reads the file from disk, naming the path in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'benchctl-benchfile-'));
    try {
      const path = join(dir, 'bench.yaml');
      await writeFile(path, GOOD);
      expect((await loadBenchFile(path, { drivers: DRIVERS })).instruments).toHaveLength(3);
      await writeFile(path, oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  Z: { axis: 3, min_um: 0, max_um: ten }'));
      await expect(loadBenchFile(path, { drivers: DRIVERS })).rejects.toThrow(`${path}:6: instruments.stage.axes.Z.max_um: expected a number in µm`);
      await expect(loadBenchFile(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml: cannot read the bench file: no such file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells a role kind from its name', () => {
    expect(roleKindOf('laser2')).toBe('laser');
    expect(roleKindOf('laser-santec')).toBe('laser');
    expect(roleKindOf('stage-esp')).toBe('stage');
    expect(roleKindOf('reference')).toBeUndefined();
  });
});

describe('parseBenchFile: every error names file, line, role and field', () => {
  it('a value of the wrong type: the example from the brief', () => {
    const text = oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  X: { axis: 1, min_um: 0, max_um: 25000 }\n  Z: { axis: 3, min_um: 5005, max_um: "ten" }');
    const err = errorOf(text);
    expect(err.message).toBe('bench.yaml:7: instruments.stage.axes.Z.max_um: expected a number in µm (the soft upper limit), got "ten"');
    expect(err.issues[0]).toMatchObject({ line: 7, role: 'stage', field: 'axes.Z.max_um' });
  });

  it('bad YAML', () => {
    const err = errorOf('instruments:\n  laser: { resource: SIM::laser\n  meter: 1\n');
    expect(err.message).toMatch(/^bench\.yaml:3: YAML syntax error: /);
    expect(errorOf('a: 1\na: 2\n').message).toMatch(/^bench\.yaml:2: YAML syntax error: Map keys must be unique/);
  });

  it('an empty file and a document that is not a map', () => {
    expect(errorOf('').message).toBe('bench.yaml: the file is empty; expected a bench file with name and instruments');
    expect(errorOf('- laser\n').message).toBe('bench.yaml:1: expected a map with name and instruments, got a list');
    expect(errorOf('name: x\n').message).toBe('bench.yaml:1: instruments: expected a map of role → instrument (laser, meter, voa, bert, stage, ...), but it is missing');
    expect(errorOf('instruments: {}\n').message).toBe('bench.yaml:1: instruments: expected at least one instrument');
  });

  it('an unknown field in a role, at top level and in an axis, listing the known ones', () => {
    const err = errorOf(`${oneRole('meter', 'resource: SIM::meter\ndriver: auto\nspeed: 3')}colour: red\n`);
    expect(err.issues.map((i) => [i.line, i.path])).toEqual([[5, 'instruments.meter.speed'], [6, 'colour']]);
    expect(err.issues[0]?.problem).toMatch(/^unknown field "speed"; expected one of resource, driver, timeout_ms, .*flow_control, portmapper_port, usbtmc_device, options, axes$/);
    expect(err.issues[1]?.problem).toBe('unknown field "colour"; expected one of name, instruments');
    const axis = errorOf(oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  X: { axis: 1, min_um: 0, max_um: 5, unit: mm }'));
    expect(axis.message).toBe('bench.yaml:6: instruments.stage.axes.X.unit: unknown field "unit"; expected one of axis, min_um, max_um, home_um, home_safe');
  });

  it('homing fields of the wrong type: home_um a finite number of µm, home_safe true or false', () => {
    const stage = (axis: string) => oneRole('stage', `resource: SIM::stage\ndriver: scpi-stage\naxes:\n  Z: ${axis}`);
    expect(errorOf(stage('{ axis: 3, min_um: 5008, max_um: 10000, home_um: top }')).message)
      .toBe('bench.yaml:6: instruments.stage.axes.Z.home_um: expected a number in µm (where the homing run leaves the axis), got "top"');
    expect(errorOf(stage('{ axis: 3, min_um: 5008, max_um: 10000, home_um: .inf }')).message)
      .toBe('bench.yaml:6: instruments.stage.axes.Z.home_um: expected a number in µm (where the homing run leaves the axis), got Infinity');
    expect(errorOf(stage('{ axis: 3, min_um: 5008, max_um: 10000, home_safe: yes }')).message)
      .toBe('bench.yaml:6: instruments.stage.axes.Z.home_safe: expected true or false (true: the homing run of this axis was checked to be safe), got "yes"');
  });

  it('a home position outside the soft limits is a valid file: homing is refused when asked, not the file', () => {
    const b = parseBenchFile(oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  Z: { axis: 3, min_um: 5008, max_um: 10000, home_um: 0 }'),
      { file: 'bench.yaml', drivers: DRIVERS });
    expect(b.instruments[0]?.axes?.['Z']).toEqual({ axis: 3, min_um: 5008, max_um: 10_000, home_um: 0 });
  });

  it('a bad resource string, with parseResource’s own text', () => {
    const err = errorOf(oneRole('laser', 'resource: TCPIP0::127.0.0.1::99999::SOCKET\ndriver: keysight-n777x'));
    expect(err.message).toBe(`bench.yaml:3: instruments.laser.resource: expected a valid resource string: port '99999' in "TCPIP0::127.0.0.1::99999::SOCKET" must be an integer 1-65535`);
    expect(errorOf(oneRole('laser', 'resource: GPIB0::5::INSTR\ndriver: auto')).message).toMatch(/GPIB resource, which is not supported: reach the instrument on the LAN over VXI-11 instead \(TCPIP0::<host>::inst0::INSTR\); supported resources: /);
    expect(errorOf(oneRole('laser', 'driver: auto')).message).toBe(
      'bench.yaml:3: instruments.laser.resource: expected a VISA resource string such as TCPIP0::192.168.1.10::5025::SOCKET, but it is missing');
  });

  it('an unknown driver, listing the known ones', () => {
    expect(errorOf(oneRole('laser', 'resource: SIM::laser\ndriver: agilent-8164')).message).toBe(
      'bench.yaml:4: instruments.laser.driver: unknown driver "agilent-8164"; known drivers: auto, keysight-n774x, keysight-n777x, newport-esp301, scpi-stage');
  });

  it('a driver of the wrong kind for the role', () => {
    expect(errorOf(oneRole('laser2', 'resource: SIM::laser\ndriver: keysight-n774x')).message).toBe(
      "bench.yaml:4: instruments.laser2.driver: expected a laser driver for role 'laser2'; keysight-n774x drives a meter");
  });

  it('soft limits with min ≥ max', () => {
    const err = errorOf(oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  Z: { axis: 3, min_um: 10000, max_um: 5000 }'));
    expect(err.message).toBe('bench.yaml:6: instruments.stage.axes.Z.max_um: expected max_um above min_um (10000 µm), got 5000');
  });

  it('a stage without axes (named driver, or auto on a role named stage)', () => {
    expect(errorOf(oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage')).message).toBe(
      'bench.yaml:3: instruments.stage: expected axes for a stage, e.g. axes: { X: { axis: 1, min_um: 0, max_um: 25000 } }, but there are none');
    expect(errorOf(oneRole('stage-2', 'resource: SIM::stage\ndriver: auto')).issues[0]).toMatchObject({ role: 'stage-2', field: '' });
    expect(errorOf(oneRole('stage', 'resource: SIM::stage\ndriver: auto\naxes: {}')).issues[0]?.problem).toMatch(/expected axes for a stage/);
  });

  it('axes on an instrument that is not a stage, and two axes on one controller axis', () => {
    expect(errorOf(oneRole('meter', 'resource: SIM::meter\ndriver: keysight-n774x\naxes: { X: { axis: 1, min_um: 0, max_um: 1 } }')).message)
      .toBe('bench.yaml:5: instruments.meter.axes: expected no axes: keysight-n774x drives a meter, and only stages have axes');
    expect(errorOf(oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  X: { axis: 1, min_um: 0, max_um: 1 }\n  Y: { axis: 1, min_um: 0, max_um: 1 }')).message)
      .toBe('bench.yaml:7: instruments.stage.axes.Y.axis: expected a controller axis number not already used by axis X, got 1');
  });

  it('bad role and axis names', () => {
    expect(errorOf('instruments:\n  Laser One:\n    resource: SIM::laser\n    driver: auto\n').message)
      .toMatch(/^bench\.yaml:2: instruments\.Laser One: expected a role name: lowercase letters.*, got "Laser One"$/);
    expect(errorOf(oneRole('stage', 'resource: SIM::stage\ndriver: scpi-stage\naxes:\n  1X: { axis: 1, min_um: 0, max_um: 1 }')).message)
      .toMatch(/^bench\.yaml:6: instruments\.stage\.axes\.1X: expected an axis name/);
  });

  it('session settings of the wrong type or range', () => {
    const err = errorOf(oneRole('meter', [
      'resource: SIM::meter', 'driver: auto', 'timeout_ms: -5', 'check_errors: yes', 'baud_rate: 9600.5', 'parity: weird',
      'stop_bits: 3', 'data_bits: 9', 'flow_control: hardware', 'read_termination: ""', 'write_termination: 10', 'options: [1]',
    ].join('\n')));
    expect(err.issues.map((i) => `${i.line} ${i.field}: ${i.problem}`)).toEqual([
      '5 timeout_ms: expected a finite number of milliseconds > 0 (per read), got -5',
      '6 check_errors: expected true or false (read the error queue after every command), got "yes"',
      '7 baud_rate: expected a baud rate, a positive integer such as 9600 or 921600, got 9600.5',
      '8 parity: expected one of none, even, odd, mark, space, got "weird"',
      '9 stop_bits: expected 1, 1.5 or 2, got 3',
      '10 data_bits: expected 5, 6, 7 or 8, got 9',
      '11 flow_control: expected one of none, rtscts, xonxoff, got "hardware"',
      '12 read_termination: expected a non-empty terminator such as "\\n" or "\\r\\n", got ""',
      '13 write_termination: expected a string such as "\\n" or "\\r\\n" (double-quoted in YAML so escapes work), got 10',
      '14 options: expected a map of driver-specific options, got a list',
    ]);
    expect(err.message.split('\n')[0]).toBe('bench.yaml: 10 problems:');
  });

  it('driver options, checked by the named driver when the file is read (auto: when the instrument is known)', () => {
    const text = `instruments:
  laser:
    resource: SIM::laser
    driver: keysight-n777x
    options: { source: 1, wavelengthRange_nm: [1600, 1500] }
  meter:
    resource: SIM::meter
    driver: keysight-n774x
    options:
      channels: ['1.1', '2.5']
  voa:
    resource: SIM::voa
    driver: keysight-n776x
    options: { chanel: 2 }
  bert:
    resource: SIM::bert
    driver: auto
    options: { anything: 1 }
  stage:
    resource: SIM::stage
    driver: scpi-stage
    options: { speed: 3 }
    axes: { X: { axis: 1, min_um: 0, max_um: 100 } }
`;
    const err = (() => {
      try {
        parseBenchFile(text, { file: 'bench.yaml', drivers: driverInfos() });
      } catch (e) {
        return e as BenchFileError;
      }
      throw new Error('expected a BenchFileError');
    })();
    expect(err).toBeInstanceOf(BenchFileError);
    expect(err.issues.map((i) => `${i.line} ${i.role} ${i.field}: ${i.problem}`)).toEqual([
      '5 laser options.wavelengthRange_nm: keysight-n777x option \'wavelengthRange_nm\' must be [min, max] with min < max, got [1600,1500]',
      "10 meter options.channels.1: keysight-n774x option 'channels.1' must look like 'slot.chan', e.g. '2.1', got \"2.5\"",
      "14 voa options.chanel: keysight-n776x option 'chanel' is unknown; keysight-n776x takes channel, powerControl",
      "22 stage options.speed: scpi-stage option 'speed' is unknown; scpi-stage takes enable",
    ]);
    expect(err.message).toContain("bench.yaml:14: instruments.voa.options.chanel: keysight-n776x option 'chanel' is unknown");
  });

  it('reports problems in every role, not only the first', () => {
    const text = `instruments:
  laser:
    resource: SIM::laser
    driver: nope
  stage:
    resource: SIM::stage
    driver: scpi-stage
`;
    expect(errorOf(text).issues.map((i) => i.role)).toEqual(['laser', 'stage']);
  });
});
