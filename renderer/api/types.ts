// Types the renderer needs that BenchApi carries inside its payloads, named once here so the renderer
// depends on service/bench-api.ts alone.
import type { RunEvent } from '../../service/bench-api.ts';

/** A step's fitted model (parameters with units and sigmas, goodness of fit) as `fit` events carry it. */
export type FitRecord = Extract<RunEvent, { type: 'fit' }>['result'];
