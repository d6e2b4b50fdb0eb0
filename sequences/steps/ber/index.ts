// The `ber` step: an attenuation sweep of the loopback link with an adaptive dwell at each point (stop as
// soon as the BER is known to the requested confidence; skip points that cannot get there within the
// maximum dwell), and the waterfall fit with the sensitivity at the target BER.
import type { StepDefinition } from '../../step.ts';
import { runBerSweep } from './run.ts';
import { berMeasurements, berSchema, berTables, estimateBer_s, validateBer } from './schema.ts';
import type { BerParams } from './schema.ts';

export const berStep: StepDefinition<BerParams> = {
  kind: 'ber',
  description: 'loopback BER waterfall: adaptive dwell per attenuation point, waterfall fit and sensitivity at the target BER',
  schema: berSchema,
  tables: berTables,
  measurements: berMeasurements,
  validate: validateBer,
  estimate_s: (p) => estimateBer_s(p),
  run: runBerSweep,
};

export { BerSweepError } from './run.ts';
export type { BerParams } from './schema.ts';
