import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SIM_DRIVERS, SIM_WAFER_Z_SOFT_MIN_UM, SIM_Z_SOFT_MIN_UM, simBenchFileYaml } from '../../../../sim/link/bench-file.ts';
import { WAFER_HIGHEST_SURFACE_UM } from '../../../../sim/world/wafer-truth.ts';
import { CHIP_SURFACE_Z_UM, NOMINAL_WORKING_GAP_UM, SURFACE_TOLERANCE_UM } from '../../../../sim/world/layout.ts';

const ROLES = ['meter', 'laser', 'laser-santec', 'voa', 'bert', 'stage', 'stage-esp', 'stage-pi', 'meter-array', 'stage-hexapod', 'bert-pam4'];
const tcp = Object.fromEntries(ROLES.map((r, i) => [r, `TCPIP0::127.0.0.1::${6000 + i}::SOCKET`]));
const ESP_PTY = 'ASRL/tmp/benchctl-sim-abc/esp301-client::INSTR';

interface BenchEntry {
  resource: string;
  driver: string;
  timeout_ms?: number;
  baud_rate?: number;
  read_termination?: string;
  write_termination?: string;
  axes?: Record<string, { axis: number; min_um: number; max_um: number; home_um?: number }>;
}
interface Bench {
  name: string;
  instruments: Record<string, BenchEntry>;
}

/** Uncomments the alternate entries, one at a time, in place of the entry each replaces. */
function alternates(text: string): Bench[] {
  const commented = text.split('\n').filter((l) => l.startsWith('#   '));
  const blocks: string[][] = [];
  for (const line of commented) {
    const body = line.slice(2);
    if (body.trimStart().startsWith('#')) blocks.push([]);
    else blocks.at(-1)?.push(body);
  }
  const base = parse(text) as Bench;
  return blocks.map((b) => {
    const alt = parse(b.join('\n')) as Record<string, BenchEntry>;
    return { ...base, instruments: { ...base.instruments, ...alt } };
  });
}

describe('simBenchFileYaml', () => {
  it('writes the default roles with their drivers and the served resources', () => {
    const bench = parse(simBenchFileYaml({ seed: 7, mode: 'fast', tcp })) as Bench;
    expect(bench.name).toBe('simulated bench (seed 7)');
    expect(Object.keys(bench.instruments)).toEqual(['laser', 'meter', 'voa', 'bert', 'stage', 'meter-array', 'stage-hexapod', 'bert-pam4']);
    expect(bench.instruments['laser']).toMatchObject({ resource: tcp['laser'], driver: 'keysight-n777x' });
    expect(bench.instruments['meter']).toMatchObject({ resource: tcp['meter'], driver: 'keysight-n774x' });
    expect(bench.instruments['voa']?.driver).toBe('keysight-n776x');
    expect(bench.instruments['bert']?.driver).toBe('anritsu-mp1900a');
    // A real dialect, not the project's own SCPI stage; its trigger output is cabled to the meter.
    expect(bench.instruments['stage']).toMatchObject({ resource: tcp['stage-pi'], driver: 'pi-gcs', options: { trigger_output: 1 } });
  });

  it('sets stage soft limits in µm with Z kept clear of any possible chip surface but below every optimum', () => {
    const bench = parse(simBenchFileYaml({ seed: 1, mode: 'fast', tcp })) as Bench;
    const axes = bench.instruments['stage']?.axes;
    expect(axes?.['X']).toEqual({ axis: 1, min_um: 0, max_um: 25000, home_um: 0 });
    expect(axes?.['Y']).toEqual({ axis: 2, min_um: 0, max_um: 25000, home_um: 0 });
    expect(axes?.['Z']).toEqual({ axis: 3, min_um: SIM_Z_SOFT_MIN_UM, max_um: 10000, home_um: 10000 });
    expect(SIM_Z_SOFT_MIN_UM).toBeGreaterThan(CHIP_SURFACE_Z_UM + SURFACE_TOLERANCE_UM);
    // The best gap is at least 15 µm above the true surface, itself at least nominal − tolerance.
    expect(SIM_Z_SOFT_MIN_UM).toBeLessThan(CHIP_SURFACE_Z_UM - SURFACE_TOLERANCE_UM + 15);
    expect(SIM_Z_SOFT_MIN_UM).toBeLessThan(CHIP_SURFACE_Z_UM + NOMINAL_WORKING_GAP_UM);
  });

  it('keeps Z clear of the highest wafer die in the wafer world, on every stage entry, and names the world', () => {
    const text = simBenchFileYaml({ seed: 3, mode: 'fast', tcp, world: 'wafer' });
    const bench = parse(text) as Bench;
    expect(bench.name).toBe('simulated wafer bench (seed 3)');
    expect(text).toContain('benchctl sim --seed 3 --world wafer');
    expect(bench.instruments['stage']?.axes?.['Z']?.min_um).toBe(SIM_WAFER_Z_SOFT_MIN_UM);
    expect(SIM_WAFER_Z_SOFT_MIN_UM).toBeGreaterThan(WAFER_HIGHEST_SURFACE_UM + 2);
    // Still below the working height over a nominal die (surface 5000 µm + 20 µm).
    expect(SIM_WAFER_Z_SOFT_MIN_UM).toBeLessThan(CHIP_SURFACE_Z_UM + NOMINAL_WORKING_GAP_UM);
    for (const alt of alternates(text)) if (alt.instruments['stage']) expect(alt.instruments['stage'].axes?.['Z']?.min_um).toBe(SIM_WAFER_Z_SOFT_MIN_UM);
  });

  it('comments the alternate front ends so that uncommenting one gives a valid bench', () => {
    const text = simBenchFileYaml({ seed: 1, mode: 'realtime', tcp, serial: { 'stage-esp': ESP_PTY } });
    expect((parse(text) as Bench).name).toBe('simulated bench (seed 1, real time)');
    const [santec, esp, scpi] = alternates(text);
    expect(santec?.instruments['laser']).toMatchObject({ resource: tcp['laser-santec'], driver: 'santec-tsl' });
    expect(esp?.instruments['stage']).toMatchObject({
      resource: ESP_PTY,
      driver: 'newport-esp301',
      baud_rate: 921600,
      read_termination: '\r\n',
      write_termination: '\r',
    });
    expect(esp?.instruments['stage']?.axes?.['Z']?.min_um).toBe(SIM_Z_SOFT_MIN_UM);
    expect(scpi?.instruments['stage']).toMatchObject({ resource: tcp['stage'], driver: 'scpi-stage' });
    expect(Object.keys(scpi?.instruments ?? {})).toEqual(['laser', 'meter', 'voa', 'bert', 'stage', 'meter-array', 'stage-hexapod', 'bert-pam4']);
    expect(text).toContain("simulator role 'stage' (this project's own SCPI stage dialect; no vendor speaks it)");
  });

  it('puts the ESP301 on its TCP port, with its terminators and no baud rate, when there is no pty', () => {
    const [, esp] = alternates(simBenchFileYaml({ seed: 1, mode: 'fast', tcp }));
    expect(esp?.instruments['stage']).toMatchObject({ resource: tcp['stage-esp'], driver: 'newport-esp301', write_termination: '\r' });
    expect(esp?.instruments['stage']?.baud_rate).toBeUndefined();
  });

  it('names a driver for every simulated role', () => {
    expect(Object.keys(SIM_DRIVERS).sort()).toEqual([...ROLES].sort());
  });
});
