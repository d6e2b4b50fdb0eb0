// The fits, with their uncertainties and goodness of fit. Each throws FitError instead of returning NaN.
export { FitError } from './fit-error.ts';
export type { FitErrorReason } from './fit-error.ts';
export { fitGaussian2D, gaussianSurface, gaussianTolerances, profileTolerance_um, GAUSSIAN2D_MIN_POINTS } from './gaussian2d.ts';
export type { Gaussian2DFit, Gaussian2DOptions, ScanPoint } from './gaussian2d.ts';
export { fitGratingSpectrum, spectrumCurve, SPECTRUM_MIN_POINTS } from './grating-spectrum.ts';
export type { SpectrumFit, SpectrumFitOptions, SpectrumPoint } from './grating-spectrum.ts';
export { berFromOrdinate, fitWaterfall, waterfallCurve, waterfallOrdinate, WATERFALL_MIN_POINTS } from './waterfall.ts';
export type { WaterfallFit, WaterfallMethod, WaterfallOptions, WaterfallPoint } from './waterfall.ts';
