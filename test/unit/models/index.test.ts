import { describe, expect, it } from 'vitest';
import * as models from '../../../models/index.ts';

describe('models/index.ts', () => {
  it('re-exports the models and fits the simulator, sequencer and renderer use', () => {
    for (const name of [
      'dBmToMw', 'mwToDbm', 'wToDbm', 'dbmToW', 'dbToLinear', 'linearToDb', 'nmToM', 'mToNm', 'umToMm', 'mmToUm', 'gbpsToBps',
      'lateralCoupling', 'tiltCoupling', 'gapCoupling', 'couplingEfficiency', 'couplingLoss_dB', 'lateralTolerance_um',
      'tiltTolerance_rad', 'gapTolerance_um', 'loopbackTransmission', 'gratingLoss_dB', 'gratingTransmission', 'gratingAngleCentre_nm',
      'receivedPower_dBm', 'berFromQ', 'qFromBer', 'qAtPower', 'berAtPower', 'powerForBer', 'confidenceLevel', 'bitsToClaim',
      'timeToClaim_s', 'berUpperBound', 'berInterval', 'fitGaussian2D', 'fitGratingSpectrum', 'fitWaterfall', 'waterfallCurve',
      'spectrumCurve', 'gaussianSurface', 'gaussianTolerances', 'FitError', 'ModelInputError',
    ]) {
      expect(typeof (models as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(models.KP4_BER).toBe(2.4e-4);
  });
});
