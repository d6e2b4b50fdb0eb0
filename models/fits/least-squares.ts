// Least-squares engines shared by the fits, with parameter covariances.
//   ml-matrix               → normal equations (Cholesky solve) and (JᵀWJ)⁻¹, the parameter covariance
//   ml-levenberg-marquardt  → the nonlinear minimisation itself
// Weights are applied here by dividing model, data and Jacobian by each point's σ: the package's own
// `weights` option is not used (its error sum and its step scale weights differently).
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export interface LeastSquaresResult {
  parameters: number[];
  /** (JᵀWJ)⁻¹: the covariance if the σ given were the true noise; callers scale it (see scaledCovariance). */
  unscaledCovariance: number[][];
  /** Σ ((y − model)/σ)², σ = 1 when none were given. */
  chiSquare: number;
  dof: number;
}

/** Normal matrix JᵀWJ, its right-hand side JᵀW·r and χ², with rows already divided by σ. */
function normalEquations(rows: readonly (readonly number[])[], residuals: readonly number[], p: number): { a: Matrix; g: Matrix } {
  const a = Matrix.zeros(p, p);
  const g = Matrix.zeros(p, 1);
  rows.forEach((row, i) => {
    const r = residuals[i] ?? 0;
    for (let j = 0; j < p; j++) {
      const rj = row[j] ?? 0;
      g.set(j, 0, g.get(j, 0) + rj * r);
      for (let k = 0; k <= j; k++) a.set(j, k, a.get(j, k) + rj * (row[k] ?? 0));
    }
  });
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) a.set(k, j, a.get(j, k));
  return { a, g };
}

/** Inverse of a symmetric positive-definite matrix, or undefined when it is singular (degenerate data). */
function inverseSpd(a: Matrix): Matrix | undefined {
  const chol = new CholeskyDecomposition(a);
  if (!chol.isPositiveDefinite()) return undefined;
  const inv = chol.solve(Matrix.eye(a.rows));
  for (let i = 0; i < a.rows; i++) if (!(inv.get(i, i) > 0) || !Number.isFinite(inv.get(i, i))) return undefined;
  return inv;
}

/**
 * Weighted linear least squares y ≈ X·β. Returns undefined when the columns of X are degenerate on
 * these points (e.g. fewer distinct abscissae than parameters).
 */
export function linearLeastSquares(design: readonly (readonly number[])[], y: readonly number[], sigma?: readonly number[]): LeastSquaresResult | undefined {
  const p = design[0]?.length ?? 0;
  const rows = design.map((row, i) => row.map((v) => v / (sigma?.[i] ?? 1)));
  const yw = y.map((v, i) => v / (sigma?.[i] ?? 1));
  const { a, g } = normalEquations(rows, yw, p);
  const inv = inverseSpd(a);
  if (!inv) return undefined;
  const beta = inv.mmul(g).getColumn(0);
  let chiSquare = 0;
  rows.forEach((row, i) => {
    const r = (yw[i] ?? 0) - row.reduce((s, v, j) => s + v * (beta[j] ?? 0), 0);
    chiSquare += r * r;
  });
  return { parameters: beta, unscaledCovariance: inv.to2DArray(), chiSquare, dof: y.length - p };
}

/**
 * Scales (JᵀWJ)⁻¹ into the parameter covariance. Without σ (`sigmaKnown` false) the noise is estimated
 * from the residuals (× χ²/dof). With σ, × max(1, χ²/dof): a fit worse than its stated noise widens
 * its uncertainties, a lucky one does not narrow them (the PDG scale-factor convention).
 */
export function scaledCovariance(result: LeastSquaresResult, sigmaKnown: boolean): number[][] {
  const reduced = result.dof > 0 ? result.chiSquare / result.dof : 0;
  const scale = sigmaKnown ? Math.max(1, reduced) : reduced;
  return result.unscaledCovariance.map((row) => row.map((v) => v * scale));
}

/** Standard uncertainties: √diag(cov). */
export function standardErrors(covariance: readonly (readonly number[])[]): number[] {
  return covariance.map((row, i) => Math.sqrt(Math.max(0, row[i] ?? 0)));
}

export interface NonlinearProblem {
  /** Number of data points. */
  n: number;
  y: readonly number[];
  /** Per-point standard deviation (default 1 each). */
  sigma?: readonly number[];
  /** Model value at point i. */
  model(params: readonly number[], i: number): number;
  /** ∂model/∂params at point i. */
  jacobian(params: readonly number[], i: number): number[];
  initial: readonly number[];
  minValues?: readonly number[];
  maxValues?: readonly number[];
  /** Iteration budget across restarts (default 400). */
  maxIterations?: number;
  /** Converged when every Gauss–Newton step |δ_k| ≤ tolerance·σ_k (+ 1e-12 absolute). Default 1e-6. */
  tolerance?: number;
}

export interface NonlinearResult extends LeastSquaresResult {
  iterations: number;
  converged: boolean;
}

/**
 * Nonlinear least squares by Levenberg–Marquardt (ml-levenberg-marquardt with an analytic Jacobian),
 * run in short bursts; after each burst the undamped Gauss–Newton step is computed (ml-matrix) and the
 * fit stops once that step is negligible against the parameter uncertainties, a test independent of
 * the data's scale. Parameters should be of order 1 (the callers normalise).
 */
export function nonlinearLeastSquares(problem: NonlinearProblem): NonlinearResult | undefined {
  const { n, y } = problem;
  const p = problem.initial.length;
  const sigmaAt = (i: number) => problem.sigma?.[i] ?? 1;
  const index = Array.from({ length: n }, (_, i) => i);
  const yw = y.map((v, i) => v / sigmaAt(i));
  const budget = problem.maxIterations ?? 400;
  const tolerance = problem.tolerance ?? 1e-6;
  const burst = 25;
  let params = [...problem.initial];
  let iterations = 0;
  let last: { result: LeastSquaresResult; converged: boolean } | undefined;
  while (iterations <= budget) {
    const state = linearise(problem, params, yw, sigmaAt);
    if (!state) return undefined;
    const { inv, g, chiSquare } = state;
    const step = inv.mmul(g).getColumn(0);
    const reduced = n > p ? chiSquare / (n - p) : 0;
    const converged = step.every((d, k) => Math.abs(d) <= tolerance * Math.sqrt(inv.get(k, k) * reduced) + 1e-12 * (1 + Math.abs(params[k] ?? 0)));
    last = { result: { parameters: params, unscaledCovariance: inv.to2DArray(), chiSquare, dof: n - p }, converged };
    if (converged || iterations >= budget) break;
    const run = levenbergMarquardt(
      { x: index, y: yw },
      (ps: number[]) => (i: number) => problem.model(ps, i) / sigmaAt(i),
      {
        initialValues: params,
        maxIterations: Math.min(burst, budget - iterations),
        errorTolerance: 0,
        damping: 1e-3,
        jacobianFunction: (ps: number[]) => (i: number) => problem.jacobian(ps, i).map((v) => v / sigmaAt(i)),
        ...(problem.minValues ? { minValues: problem.minValues } : {}),
        ...(problem.maxValues ? { maxValues: problem.maxValues } : {}),
      },
    );
    iterations += Math.max(1, run.iterations);
    if (!run.parameterValues.every(Number.isFinite)) return undefined;
    params = run.parameterValues;
  }
  return last && { ...last.result, iterations, converged: last.converged };
}

function linearise(problem: NonlinearProblem, params: readonly number[], yw: readonly number[], sigmaAt: (i: number) => number) {
  const rows: number[][] = [];
  const residuals: number[] = [];
  let chiSquare = 0;
  for (let i = 0; i < problem.n; i++) {
    const s = sigmaAt(i);
    rows.push(problem.jacobian(params, i).map((v) => v / s));
    const r = (yw[i] ?? 0) - problem.model(params, i) / s;
    residuals.push(r);
    chiSquare += r * r;
  }
  if (!Number.isFinite(chiSquare)) return undefined;
  const { a, g } = normalEquations(rows, residuals, params.length);
  const inv = inverseSpd(a);
  return inv && { inv, g, chiSquare };
}
