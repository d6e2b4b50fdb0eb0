// The order dies are visited in: reference dies first (in the map's order: the placement is learned from
// them, spread over the wafer), then the others by rows (+X each), serpentine (rows, alternating
// direction: the shortest stage path over a grid), columns (+Y each) or column-serpentine.
import type { WaferDie } from './map-types.ts';

export const WAFER_ORDERS = ['serpentine', 'rows', 'columns', 'column-serpentine'] as const;
export type WaferOrder = (typeof WAFER_ORDERS)[number];

export function visitOrder(dies: readonly WaferDie[], order: WaferOrder): WaferDie[] {
  const visited = dies.filter((d) => !d.excluded);
  const refs = visited.filter((d) => d.reference);
  const rest = visited.filter((d) => !d.reference);
  const byRows = order === 'serpentine' || order === 'rows';
  const major = (d: WaferDie) => (byRows ? d.row : d.col);
  const minor = (d: WaferDie) => (byRows ? d.col : d.row);
  const majors = [...new Set(rest.map(major))].sort((a, b) => a - b);
  const snake = order === 'serpentine' || order === 'column-serpentine';
  const sorted = majors.flatMap((m, i) => {
    const line = rest.filter((d) => major(d) === m).sort((a, b) => minor(a) - minor(b));
    return snake && i % 2 === 1 ? line.reverse() : line;
  });
  return [...refs, ...sorted];
}
