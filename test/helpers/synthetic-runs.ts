// Synthetic run records with the real shapes (RunRecord, as the recorder writes run.json): a
// dut-characterization-like run — align, sweep and BER at each site — with measurements, fits with σ,
// limits and tables, deterministic from its number. For the index's tests and benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, StepRecord } from '../../sequences/records/run-record.ts';

export interface SyntheticOptions {
  /** Sites per run (default 2). */
  sites?: number;
  lots?: number;
  /** The first run's start; each next run starts 10 minutes later. */
  t0_ms?: number;
  bench?: string;
}

function noise(i: number, k: number): number {
  const x = Math.sin(i * 12.9898 + k * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

export function runIdOf(i: number, t0_ms = Date.UTC(2026, 0, 1)): string {
  const d = new Date(t0_ms + i * 600_000).toISOString();
  return `${d.slice(0, 10).replace(/-/g, '')}-${d.slice(11, 19).replace(/:/g, '')}-dut-characterization-CHIP-${String(i).padStart(6, '0')}`;
}

export function syntheticRecord(i: number, opts: SyntheticOptions = {}): RunRecord {
  const t0 = opts.t0_ms ?? Date.UTC(2026, 0, 1);
  const start = t0 + i * 600_000;
  const lots = opts.lots ?? 20;
  const lot = `L${String(i % lots).padStart(3, '0')}`;
  const sites = ['A', 'B', 'C', 'D'].slice(0, opts.sites ?? 2);
  const steps: StepRecord[] = [];
  const base = (stepId: string, kind: string, site: string): StepRecord => ({
    stepId, kind, loop: { site }, params: {}, status: 'done', started: new Date(start).toISOString(),
    finished: new Date(start + 60_000).toISOString(), duration_s: 60, estimate_s: 60, measurements: {}, fits: {}, notes: [],
    warnings: [], reconnects: 0, tables: [],
  });
  sites.forEach((site, k) => {
    const power = -12 - 16 * noise(i, k);
    const align = base(`sites[${site}]/align`, 'align', site);
    align.measurements = {
      power_dBm: { value: power, unit: 'dBm' }, x_um: { value: 12500 + 250 * k + noise(i, k + 10), unit: 'µm' },
      y_um: { value: 12500 + noise(i, k + 20), unit: 'µm' }, mode_radius_um: { value: 5.1 + noise(i, k + 30) * 0.2, unit: 'µm' },
    };
    align.fits = { gaussian2d: { parameters: { x0_um: { value: 12500 + 250 * k, sigma: 0.05, unit: 'µm' }, w_um: { value: 5.2, sigma: 0.02, unit: 'µm' } }, rSquared: 0.998 } };
    align.tables = [{ name: 'align_scan', file: `sites[${site}]-align.align_scan.csv`, columns: ['x_um', 'y_um', 'power_dBm', 'phase'], rows: 400 }];
    const sweep = base(`sites[${site}]/sweep`, 'sweep', site);
    const loss = 8 + 8 * noise(i, k + 40);
    sweep.measurements = { centre_nm: { value: 1550 + 5 * noise(i, k + 50), unit: 'nm' }, peakLoss_dB: { value: loss, unit: 'dB' }, bandwidth1dB_nm: { value: 20 + noise(i, k + 60), unit: 'nm' } };
    sweep.fits = { grating: { parameters: { centre_nm: { value: 1550, sigma: 0.01, unit: 'nm' }, peakLoss_dB: { value: loss, sigma: 0.02, unit: 'dB' } }, rSquared: 0.99 } };
    sweep.tables = [{ name: 'spectrum', file: `sites[${site}]-sweep.spectrum.csv`, columns: ['wavelength_nm', 'power_dBm', 'reference_dBm', 'loss_dB'], rows: 5001 }];
    const ber = base(`sites[${site}]/ber`, 'ber', site);
    ber.measurements = { sensitivity_dBm: { value: -14 + 2 * noise(i, k + 70), unit: 'dBm' } };
    ber.fits = { waterfall: { parameters: { sensitivity_dBm: { value: -14, sigma: 0.1, unit: 'dBm' } }, rSquared: 0.97 } };
    ber.tables = [{ name: 'ber', file: `sites[${site}]-ber.ber.csv`, columns: ['attenuation_dB', 'power_dBm', 'bits', 'errors', 'ber'], rows: 20 }];
    steps.push(align, sweep, ber);
  });
  const limits = steps.flatMap((s) => {
    const out = [];
    if (s.kind === 'align') out.push({ measurement: 'power_dBm', stepId: s.stepId, unit: 'dBm', min: -25, value: s.measurements['power_dBm']!.value, passed: s.measurements['power_dBm']!.value >= -25 });
    if (s.kind === 'sweep') out.push({ measurement: 'peakLoss_dB', stepId: s.stepId, unit: 'dB', max: 14, value: s.measurements['peakLoss_dB']!.value, passed: s.measurements['peakLoss_dB']!.value <= 14 });
    return out;
  });
  const passed = limits.every((l) => l.passed);
  return {
    runId: runIdOf(i, t0), status: passed ? 'passed' : 'failed', passed,
    sequence: { name: 'dut-characterization', file: '/lab/sequences/dut-characterization.yaml' },
    metadata: { dut: `CHIP-${String(i).padStart(6, '0')}`, lot, wafer: `W${i % 7}`, die: `D${i % 50}`, operator: 'ana' },
    parameters: {}, bench: { name: opts.bench ?? 'bench-1', simulated: true, identities: { laser: 'Keysight Technologies,N7778C,X,1' } },
    software: { name: 'benchctl', version: '0.1.0', node: 'v20' }, started: new Date(start).toISOString(),
    finished: new Date(start + 300_000).toISOString(), resumed: [], timings: { estimate_s: 300, bench_s: 300, wall_s: 30 }, steps, limits,
  };
}

/** Writes run folders (run.json only) for runs from..to-1 under `runsDir`; returns their ids. */
export function writeSyntheticRuns(runsDir: string, from: number, to: number, opts: SyntheticOptions = {}): string[] {
  const ids: string[] = [];
  for (let i = from; i < to; i++) {
    const r = syntheticRecord(i, opts);
    const folder = join(runsDir, r.runId);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'run.json'), `${JSON.stringify(r, null, 2)}\n`);
    ids.push(r.runId);
  }
  return ids;
}
