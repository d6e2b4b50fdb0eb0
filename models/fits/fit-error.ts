// The one error every fit throws instead of returning NaN or a meaningless number.

export type FitErrorReason =
  | 'too-few-points'
  | 'no-peak'
  | 'all-zero-errors'
  | 'not-converged'
  | 'invalid-input'
  /** A waterfall whose BER does not fall as the power rises. */
  | 'no-slope';

export class FitError extends Error {
  override readonly name = 'FitError';
  constructor(
    /** The fit that refused, e.g. `fitGaussian2D`. */
    readonly fit: string,
    readonly reason: FitErrorReason,
    detail: string,
  ) {
    super(`${fit}: ${detail}`);
  }
}
