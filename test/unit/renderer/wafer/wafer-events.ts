// Wafer events for the renderer's wafer tests, shaped as sequences/wafer/wafer-run.ts emits them.
import type { RunEvent } from '../../../../service/bench-api.ts';
import type { DieFinishedEventBody, WaferMapEventBody } from '../../../../sequences/wafer-events.ts';
import { ev } from '../run-events.ts';

/** A 3 × 2 block (cols 8-10, rows 8-9) of 1000 µm dies, origin (3000, 3000), sites A and B, one die excluded. */
export function mapBody(over: Partial<WaferMapEventBody> = {}): Omit<WaferMapEventBody, 'type'> {
  const dies = [8, 9, 10].flatMap((col) => [8, 9].map((row) => ({
    die: `C${String(col).padStart(2, '0')}R${String(row).padStart(2, '0')}`, col, row, x_um: 3000 + col * 1000, y_um: 3000 + row * 1000,
    excluded: col === 10 && row === 9, reference: col === 8 && row === 8,
  })));
  return {
    loopId: 'wafer', wafer: 'small', pitch_um: { x: 1000, y: 1000 }, sites: ['A', 'B'],
    siteOffsets_um: { A: { x: -375, y: 0 }, B: { x: -125, y: 0 } }, flat_deg: 270, notch_deg: null, centre_um: { x: 12000, y: 11500 },
    order: dies.filter((d) => !d.excluded).map((d) => d.die), dies, ...over,
  };
}

export function waferMap(runId: string, over: Partial<WaferMapEventBody> = {}): RunEvent {
  return ev(runId, 1, { type: 'wafer-map', ...mapBody(over) });
}

export function dieFinished(runId: string, die: string, site: string, bin: number, over: Partial<DieFinishedEventBody> = {}): RunEvent {
  const col = Number(die.slice(1, 3));
  const row = Number(die.slice(4, 6));
  const good = bin !== 2;
  return ev(runId, 2, {
    type: 'die-finished', loopId: 'wafer', die, col, row, site, passed: bin === 1, bin,
    binName: ({ 1: 'good', 2: 'no light', 3: 'failed limits', 4: 'step error' } as Record<number, string>)[bin] ?? `bin ${bin}`,
    measurements: good ? {
      'align.power_dBm': { value: -15 - col / 10, unit: 'dBm' },
      'sweep.peakLoss_dB': { value: 8 + row / 10, unit: 'dB' },
    } : {},
    stepIds: [`wafer[${die}.${site}]/goto`, `wafer[${die}.${site}]/align`, `wafer[${die}.${site}]/sweep`],
    ...over,
  });
}
