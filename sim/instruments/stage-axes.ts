// What the three stage dialects share: controller axis numbers 1, 2, 3 are the stage's X, Y, Z, and the
// vendor dialects speak millimetres where the motion system works in micrometres.
import type { AxisName } from '../motion/motion-system.ts';

const AXIS_BY_NUMBER: Readonly<Record<number, AxisName>> = { 1: 'X', 2: 'Y', 3: 'Z' };

/** The stage axis behind controller axis `n`, or undefined when the controller has no such axis. */
export function axisForNumber(n: number): AxisName | undefined {
  return Number.isInteger(n) ? AXIS_BY_NUMBER[n] : undefined;
}

export const STAGE_AXIS_NUMBERS: readonly number[] = [1, 2, 3];

export function mmToUm(mm: number): number {
  return mm * 1000;
}

export function umToMm(um: number): number {
  return um / 1000;
}

/** Plain decimal numbers as the ASCII dialects write them: `5`, `-0.25`, `1e-3`; nothing else. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a plain decimal number, or returns undefined when the text is not one. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}
